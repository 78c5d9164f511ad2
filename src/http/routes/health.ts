/** `GET /healthz`: the one LAN route without a token (load balancers, monitoring); says nothing personal. */
import type { FastifyInstance } from 'fastify';
import type { DeskUnit } from '../../app/desk-unit.ts';

export function healthRoutes(app: FastifyInstance, unit: DeskUnit): void {
  app.get('/healthz', async () => {
    const s = unit.status();
    return { ok: true, sipUp: s.sipUp, panelFault: s.panelFault };
  });
}
