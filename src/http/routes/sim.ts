/** Drive the simulated panel: lift / put down the handset, press the hold button. 409 with a real board. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DeskUnit } from '../../app/desk-unit.ts';

const hookBody = z.object({ state: z.enum(['off', 'on']).describe('off = handset lifted, on = put down') }).strict();
const buttonBody = z.object({ name: z.enum(['hold', 'transfer']) }).strict();

export function simRoutes(app: FastifyInstance, unit: DeskUnit): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/api/v1/sim/hook', { schema: { body: hookBody } }, async (request) => {
    unit.simulate({ type: 'hook', state: request.body.state });
    return { ok: true, hook: request.body.state };
  });
  api.post('/api/v1/sim/button', { schema: { body: buttonBody } }, async (request) => {
    unit.simulate({ type: 'button', name: request.body.name });
    return { ok: true, button: request.body.name };
  });
}
