/**
 * Call-backs (R10; issue 8 item 5): list by state, mark done, dial (a call placed on the free line: the unit
 * dials, the receptionist need not read the number), and show the whole number (logged; issue 18).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DirectoryBook } from '../../app/calls/directory-book.ts';
import type { DeskUnit } from '../../app/desk-unit.ts';
import type { CallbackView, RecordsService } from '../../app/records/records-service.ts';
import { NotDialableError, NotImplementedError } from '../../core/api-errors.ts';
import { showCaller, viewerLabel, type Viewer } from '../auth/viewer.ts';
import { idParam, text } from './schemas.ts';

const listQuery = z.object({ state: z.enum(['due', 'scheduled', 'done']).optional() }).strict();
const doneBody = z.object({ outcome: text(500).describe('what came of the call-back') }).strict();

export function showCallback(viewer: Viewer): (cb: CallbackView) => CallbackView {
  const caller = showCaller(viewer);
  return (cb) => {
    const masked = caller({ callerNumber: cb.number, callerName: cb.name });
    return { ...cb, number: masked.callerNumber ?? '', name: masked.callerName };
  };
}

export function callbackRoutes(app: FastifyInstance, records: RecordsService, calls?: { unit: DeskUnit; directory: DirectoryBook }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/v1/callbacks', { schema: { querystring: listQuery } }, async (request) => ({
    callbacks: (await records.listCallbacks(request.query.state)).map(showCallback(request.viewer)),
  }));
  api.post('/api/v1/callbacks/:id/done', { schema: { params: idParam, body: doneBody } }, async (request) =>
    showCallback(request.viewer)(await records.markCallbackDone(request.params.id, request.body.outcome, viewerLabel(request.viewer))),
  );
  api.post('/api/v1/callbacks/:id/number', { schema: { params: idParam } }, async (request) => ({
    id: request.params.id,
    number: await records.showNumber('callback', request.params.id, viewerLabel(request.viewer)),
  }));
  api.post('/api/v1/callbacks/:id/dial', { schema: { params: idParam } }, async (request, reply) => {
    const number = await records.numberToDial(request.params.id);
    if (!calls) throw new NotImplementedError('this listener has no call control');
    // Only a number (digits, optional leading +) through the registrar: never a URI a caller put in From.
    // The reason names no number: the reader may see this call-back's number masked.
    const uri = calls.directory.numberUri(number, 'params.id');
    if (uri === null) {
      throw new NotDialableError('params.id', `call-back "${request.params.id}" has no dialable number (only digits with an optional leading + are dialled, never an address)`);
    }
    // The placed call gets its own outgoing record.
    const placed = await calls.unit.placeCall(uri);
    return reply.status(201).send({ ...placed, callbackId: request.params.id });
  });
}
