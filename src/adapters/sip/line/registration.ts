/**
 * Registration (registrar mode). REGISTER_OK/FAIL events are lost while no client is connected, and at start
 * baresip usually registers before the control link is up, so after each connect the line asks `reginfo`.
 * The other lines' registrations say nothing about line 1: READY follows line 1 alone; each other line's state is
 * logged with its number (a call the PBX hunts to an unregistered line never arrives).
 */
import type { Logger } from '../../../ports/logger.ts';
import { plainText } from '../call-list.ts';
import type { CtrlLink } from './call-link.ts';
import type { LineAors } from './line-calls.ts';

/**
 * `reginfo`: one line per account, its address then a status: "OK" = registered, "ERR" = the last REGISTER
 * failed, "zzz" = no reply yet. 1.0.0 marks the current account with ">"; 1.1.0 numbers them ("0 - sip:…") and
 * may write "FB-" before the status of an account that is not registered.
 */
const REG_STATUS = /^(?:>|\d+ -)?\s*<?(sips?:[^\s>]+)>?\s+(?:FB-)?(OK|ERR|zzz)\b/gm;

/** Each account's registration status from a `reginfo` reply, in the order baresip lists them (line 1 first). */
export function regStatuses(text: string): [aor: string, status: string][] {
  return [...plainText(text).matchAll(REG_STATUS)].map((m) => [m[1] as string, m[2] as string]);
}

export function logLineRegistration(log: Logger, line: number, ok: boolean, reason: string | null): void {
  if (ok) log.info({ line }, `line ${line} registered`);
  else log.warn({ line, reason }, `line ${line} not registered: calls hunted to it cannot reach it`);
}

/** Line 1's status from `reginfo` ('OK', 'ERR', or undefined when unknown); logs every other line's. */
export async function askRegistration(ctrl: CtrlLink, aors: LineAors, log: Logger): Promise<string | undefined> {
  try {
    const statuses = regStatuses(await ctrl.send('reginfo'));
    const status = (statuses.find(([aor]) => aor === aors.line1) ?? statuses[0])?.[1];
    if (!status) log.warn('reginfo reply not understood; waiting for registration events');
    aors.all.forEach((aor, i) => {
      const other = i > 0 ? statuses.find(([a]) => a === aor)?.[1] : undefined;
      if (other === 'OK' || other === 'ERR') logLineRegistration(log, i + 1, other === 'OK', other === 'ERR' ? 'reginfo: ERR' : null);
    });
    return status;
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'reginfo failed; waiting for registration events');
    return undefined;
  }
}
