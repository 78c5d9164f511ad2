import { DeskphoneError } from './errors.ts';

/**
 * The states of the call on the desk's line.
 *
 * ```
 *            call.incoming                hook off                call.established
 *   IDLE ───────────────────> RINGING ─────────────> ANSWERING ──────────────────> TALKING
 *    ^                           │  call.established (answered elsewhere)  ^   │     ^ │
 *    │                           └──────────────────────────────────────────┘   │ hold│ │hold (resume)
 *    │                                                                           │     │ v
 *    │                                                                hook on    │    HELD
 *    │                                         ENDING <──────────────────────────┴──────┘
 *    │                                           │   (ANSWERING --hook on--> ENDING too)
 *    └───────────────────────────────────────────┘ call.closed (from any state but IDLE), sip.down
 * ```
 * RINGING --auto-answer time--> AUTO_ANSWERING --call.established--> GREETING --hook off--> TALKING
 *   (R3: nobody lifted the handset; the caller hears the greeting, then hold audio and check-ins, until the
 *   receptionist picks up; a caller who hangs up in GREETING abandoned the call)
 * ANSWERING / AUTO_ANSWERING --answer.failed--> RINGING: the stack could not answer; the call rings again (lights, ringer).
 * ENDING: the receptionist put the handset down and the unit asked the SIP stack to hang up; the call
 * closes when the stack says so.
 *
 * IDLE --call.outgoing--> DIALING --call.established--> TALKING: a call the unit placed (a call-back, POST
 *   /api/v1/calls); the handset put down while it dials cancels it (ENDING).
 * TALKING / HELD / GREETING --transfer.requested--> TRANSFERRING (R13: the caller hears "transferring you to …",
 *   then the stack REFERs them) --call.closed (transferred)--> IDLE, or --transfer.failed--> HELD (back at the
 *   desk with HOLD lit; lifting the handset or the hold button takes the caller back).
 *   That is `transfer.method: "refer"`; the default is a consult transfer:
 *
 * ```
 *                 transfer.requested                consult.dtmf 1 / connect / handset down      bridge.up
 *   TALKING/HELD/GREETING ─────────────> CONSULTING ──────────────────────────────────> (joining) ─────────> BRIDGED
 *                                            │  consult.ended, timeout, dtmf 2, cancel                        │
 *                                            v                                                            v
 *                                          HELD (HOLD lit; lift / hold takes the caller back)   call.closed (either leg): IDLE
 * ```
 * CONSULTING: the caller hears "transferring you to …" then hold audio while the unit calls the colleague on a leg
 *   of its own; the caller is never hung up by anything the leg does. HOLD in CONSULTING takes the caller back at
 *   once (TALKING), ending the leg. A caller who hangs up in CONSULTING abandoned the call (IDLE; the leg is ended).
 * BRIDGED: caller and colleague talk through the unit; the call has left the desk's line (`DeskState.bridges`), so
 *   the desk takes new calls; either leg closing ends both.
 */
export enum CallState {
  Idle = 'idle',
  Ringing = 'ringing',
  Answering = 'answering',
  AutoAnswering = 'auto-answering',
  Greeting = 'greeting',
  Talking = 'talking',
  Held = 'held',
  Ending = 'ending',
  Dialing = 'dialing',
  Transferring = 'transferring',
  Consulting = 'consulting',
  Bridged = 'bridged',
}

const ALLOWED: Record<CallState, readonly CallState[]> = {
  [CallState.Idle]: [CallState.Ringing, CallState.Dialing],
  [CallState.Ringing]: [CallState.Answering, CallState.AutoAnswering, CallState.Talking, CallState.Idle],
  [CallState.AutoAnswering]: [CallState.Greeting, CallState.Talking, CallState.Ringing, CallState.Idle],
  [CallState.Greeting]: [CallState.Talking, CallState.Transferring, CallState.Consulting, CallState.Idle],
  [CallState.Answering]: [CallState.Ringing, CallState.Talking, CallState.Ending, CallState.Idle],
  [CallState.Talking]: [CallState.Held, CallState.Transferring, CallState.Consulting, CallState.Ending, CallState.Idle],
  [CallState.Held]: [CallState.Talking, CallState.Transferring, CallState.Consulting, CallState.Ending, CallState.Idle],
  [CallState.Ending]: [CallState.Idle],
  [CallState.Dialing]: [CallState.Talking, CallState.Ending, CallState.Idle],
  [CallState.Transferring]: [CallState.Held, CallState.Idle],
  [CallState.Consulting]: [CallState.Held, CallState.Talking, CallState.Bridged, CallState.Idle],
  [CallState.Bridged]: [CallState.Idle],
};

export class IllegalTransitionError extends DeskphoneError {
  constructor(from: CallState, to: CallState) {
    super('E_ILLEGAL_TRANSITION', `call state cannot go from ${from} to ${to}`);
  }
}

/** The one guarded transition: returns `to`, or throws on a move the diagram does not allow. */
export function transition(from: CallState, to: CallState): CallState {
  if (!ALLOWED[from].includes(to)) throw new IllegalTransitionError(from, to);
  return to;
}
