/** Drive the simulated panel: lift / put down the handset, press the hold button. 409 with a real board. */
import type { FastifyInstance } from 'fastify';
import type { DeskUnit } from '../../app/desk-unit.ts';

export function simRoutes(app: FastifyInstance, unit: DeskUnit): void {
  app.post<{ Body: { state: 'off' | 'on' } }>(
    '/api/v1/sim/hook',
    {
      schema: {
        body: {
          type: 'object',
          required: ['state'],
          additionalProperties: false,
          properties: { state: { type: 'string', enum: ['off', 'on'], description: 'off = handset lifted, on = put down' } },
        },
      },
    },
    async (request) => {
      unit.simulate({ type: 'hook', state: request.body.state });
      return { ok: true, hook: request.body.state };
    },
  );

  app.post<{ Body: { name: 'hold' } }>(
    '/api/v1/sim/button',
    {
      schema: {
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: { type: 'string', enum: ['hold'] } },
        },
      },
    },
    async (request) => {
      unit.simulate({ type: 'button', name: request.body.name });
      return { ok: true, button: request.body.name };
    },
  );
}
