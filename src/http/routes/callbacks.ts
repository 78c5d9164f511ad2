/** Call-backs (R10; issue 8 item 5): list by state, mark done, dial (501 until the SIP line can call out). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CallbackView, RecordsService } from '../../app/records/records-service.ts';
import { showCaller, viewerLabel, type Viewer } from '../auth/viewer.ts';
import { idParam, text } from './schemas.ts';

const listQuery = z.object({ state: z.enum(['due', 'scheduled', 'done']).optional() }).strict();
const doneBody = z.object({ outcome: text(500).describe('what came of the call-back') }).strict();

function showCallback(viewer: Viewer): (cb: CallbackView) => CallbackView {
  const caller = showCaller(viewer);
  return (cb) => {
    const masked = caller({ callerNumber: cb.number, callerName: cb.name });
    return { ...cb, number: masked.callerNumber ?? '', name: masked.callerName };
  };
}

export function callbackRoutes(app: FastifyInstance, records: RecordsService): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/v1/callbacks', { schema: { querystring: listQuery } }, async (request) => ({
    callbacks: (await records.listCallbacks(request.query.state)).map(showCallback(request.viewer)),
  }));
  api.post('/api/v1/callbacks/:id/done', { schema: { params: idParam, body: doneBody } }, async (request) =>
    showCallback(request.viewer)(await records.markCallbackDone(request.params.id, request.body.outcome, viewerLabel(request.viewer))),
  );
  api.post('/api/v1/callbacks/:id/dial', { schema: { params: idParam } }, async (request) => records.dial(request.params.id));
}
