/** The shape of one event's handler in the desk reducer (a table keyed by event type: handlers/index.ts). */
import type { DeskState } from '../desk-state.ts';
import type { Effect } from '../effects.ts';
import type { CoreEvent } from '../events.ts';
import type { At, DeskSettings } from './settings.ts';

export type Handler<E extends CoreEvent = CoreEvent> = (s: DeskSettings, state: DeskState, event: E, at: At, effects: Effect[]) => DeskState;

export type HandlerTable = { [K in CoreEvent['type']]: Handler<Extract<CoreEvent, { type: K }>> };
