import type { FastifyInstance } from 'fastify';
import type { DeskUnit } from '../../app/desk-unit.ts';
import { callerView } from '../privacy.ts';

interface CallsQuery {
  limit: number;
  before?: number;
}

export function callRoutes(app: FastifyInstance, unit: DeskUnit): void {
  app.get<{ Querystring: CallsQuery }>(
    '/api/v1/calls',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            before: { type: 'integer', minimum: 1 },
          },
        },
      },
    },
    async (request) => {
      const { limit, before } = request.query;
      const entries = await unit.listCalls({ limit, ...(before !== undefined ? { beforeSeq: before } : {}) });
      const show = callerView(request);
      const calls = entries.map(({ seq, record }) => ({ seq, ...show(record) }));
      const last = entries[entries.length - 1];
      return { calls, next: entries.length === limit && last && last.seq > 1 ? `/api/v1/calls?limit=${limit}&before=${last.seq}` : null };
    },
  );
}
