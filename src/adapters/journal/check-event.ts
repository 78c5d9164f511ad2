import { BadInputError } from '../../core/errors.ts';
import type { JournalEvent } from '../../ports/call-journal.ts';

/** An event must name its kind and time; the rest is stored as given. Throws BadInputError naming the field. */
export function checkEvent(event: JournalEvent): void {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) throw new BadInputError('event', 'must be an object');
  if (typeof event.type !== 'string' || event.type.length === 0) throw new BadInputError('event.type', 'must be a non-empty string');
  if (typeof event.at !== 'string' || Number.isNaN(Date.parse(event.at)))
    throw new BadInputError('event.at', `must be an ISO 8601 time, got ${JSON.stringify(event.at)}`);
  if (event.callId !== undefined && event.callId !== null && typeof event.callId !== 'string')
    throw new BadInputError('event.callId', 'must be a string or null');
}
