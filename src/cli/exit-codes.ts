/** The one place CLI exit codes come from: error codes (src/core/errors.ts) mapped to process exit codes. */
import { DeskphoneError } from '../core/errors.ts';

export const EXIT = {
  ok: 0,
  /** The command ran but found a problem (a self-test item failed) or hit an unexpected error. */
  failed: 1,
  config: 2,
  panel: 3,
  panelKind: 4,
  sip: 5,
  journal: 6,
  /** `deskphone status`: the running unit could not be reached. */
  unreachable: 7,
  usage: 64,
} as const;

const BY_ERROR_CODE: Readonly<Record<string, number>> = {
  E_CONFIG: EXIT.config,
  E_BAD_INPUT: EXIT.usage,
  E_PANEL: EXIT.panel,
  E_PANEL_KIND: EXIT.panelKind,
  E_SIP: EXIT.sip,
  E_SIP_TIMEOUT: EXIT.sip,
  E_JOURNAL: EXIT.journal,
};

export function exitCodeFor(err: unknown): number {
  if (err instanceof DeskphoneError) return BY_ERROR_CODE[err.code] ?? EXIT.failed;
  return EXIT.failed;
}
