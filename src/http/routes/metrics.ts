/** `GET /metrics` in the Prometheus text format (issue 8 item 9); the `it` role on the LAN. */
import type { FastifyInstance } from 'fastify';
import type { UnitMetrics } from '../../adapters/metrics/prometheus.ts';

export function metricsRoutes(app: FastifyInstance, metrics: UnitMetrics): void {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => reply.header('content-type', metrics.contentType).send(await metrics.text()));
}
