/**
 * Registration (registrar mode). REGISTER_OK/FAIL events are lost while no client is connected, and at start
 * baresip usually registers before the control link is up, so after each connect the line asks `reginfo`.
 * Line 2's registration says nothing about line 1: READY follows line 1 alone; line 2's state is logged.
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

export function logLine2Registration(log: Logger, ok: boolean, reason: string | null): void {
  if (ok) log.info('line 2 registered');
  else log.warn({ reason }, 'line 2 not registered: second calls cannot reach it');
}

/** Line 1's status from `reginfo` ('OK', 'ERR', or undefined when unknown); logs line 2's. */
export async function askRegistration(ctrl: CtrlLink, aors: LineAors, log: Logger): Promise<string | undefined> {
  try {
    const statuses = regStatuses(await ctrl.send('reginfo'));
    const status = (statuses.find(([aor]) => aor === aors.line1) ?? statuses[0])?.[1];
    if (!status) log.warn('reginfo reply not understood; waiting for registration events');
    const line2 = statuses.find(([aor]) => aor === aors.line2)?.[1];
    if (line2 === 'OK' || line2 === 'ERR') logLine2Registration(log, line2 === 'OK', line2 === 'ERR' ? 'reginfo: ERR' : null);
    return status;
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'reginfo failed; waiting for registration events');
    return undefined;
  }
}
