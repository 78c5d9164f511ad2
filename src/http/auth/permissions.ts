/**
 * Who may call what (issue 8). One table: every route of the API names the permission it needs, and a route
 * missing here is refused on the LAN listener (403), so a new route is closed until someone opens it.
 * `it` reads everything with full numbers and exports; `reception` sees the live panel and writes notes,
 * messages and call-backs, and may ask for a whole number (logged; the installer can turn it off);
 * `installer` reads and writes configuration and drives the simulated panel; `wallboard`, a screen others can
 * see, gets the live panel and the call's state only (no names, numbers, records or colleagues).
 */
import type { Role } from '../../app/records/tokens.ts';

export type Permission =
  | 'public'
  | 'live'
  | 'calls.read'
  | 'calls.export'
  | 'reports.read'
  | 'records.write'
  | 'panel.drive'
  | 'calls.control'
  | 'api.describe'
  | 'metrics.read'
  | 'config.read'
  | 'config.write'
  | 'directory.read'
  | 'numbers.show'
  | 'desk.run'
  | 'desk.audit'
  | 'greetings.hear';

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  it: ['public', 'live', 'directory.read', 'calls.read', 'calls.export', 'reports.read', 'api.describe', 'metrics.read', 'config.read', 'desk.audit', 'greetings.hear'],
  // The simulated panel stands in for the desk's handset and HOLD button, which are the receptionist's (issue 9).
  reception: ['public', 'live', 'directory.read', 'calls.read', 'reports.read', 'records.write', 'panel.drive', 'calls.control', 'numbers.show', 'api.describe', 'desk.run', 'greetings.hear'],
  installer: ['public', 'live', 'directory.read', 'panel.drive', 'api.describe', 'config.read', 'config.write', 'desk.audit', 'greetings.hear'],
  wallboard: ['public', 'live'],
};

/** `METHOD url-pattern` as fastify names the route -> the permission it needs. */
export const ROUTE_PERMISSIONS: Readonly<Record<string, Permission>> = {
  'GET /healthz': 'public',
  // The web page signs in by itself; its files say nothing about the unit (issue 9).
  'GET /': 'public',
  'GET /assets/:file': 'public',
  'GET /api/v1/session': 'live',
  // Signing in once per desk (issue 18): a pairing link signs a browser in; the certificate to trust is public.
  'GET /pair': 'public',
  'POST /api/v1/pair': 'public',
  'GET /api/v1/certificate': 'public',
  'GET /api/v1/certificate.pem': 'public',
  'DELETE /api/v1/session': 'live',
  'GET /api/v1/status': 'live',
  'GET /api/v1/events': 'live',
  'GET /api/v1/calls': 'calls.read',
  'GET /api/v1/calls/:id': 'calls.read',
  // The call history (issue 18); a search by name or number is for reception and it only (R11).
  'GET /api/v1/calls/search': 'calls.read',
  'PATCH /api/v1/calls/:id': 'records.write',
  'GET /api/v1/messages': 'calls.read',
  'POST /api/v1/messages': 'records.write',
  'POST /api/v1/messages/:id/delivered': 'records.write',
  // R9 voice messages (issue 20 item 3): the caller's recording, for reception and it.
  'GET /api/v1/messages/:id/audio': 'calls.read',
  // Call recordings (issue 20 item 4): it; reception only when the installer allows it (the route refuses otherwise).
  'GET /api/v1/recordings': 'calls.read',
  'GET /api/v1/calls/:id/recording': 'calls.read',
  'GET /api/v1/callbacks': 'calls.read',
  'POST /api/v1/callbacks/:id/done': 'records.write',
  'POST /api/v1/callbacks/:id/dial': 'records.write',
  // The whole number, logged in the journal (issue 18); records.showNumbers may turn it off.
  'POST /api/v1/calls/:id/number': 'numbers.show',
  'POST /api/v1/callbacks/:id/number': 'numbers.show',
  'GET /api/v1/reports/daily': 'reports.read',
  'GET /api/v1/reports/monthly': 'reports.read',
  'GET /api/v1/openapi.json': 'api.describe',
  'GET /metrics': 'metrics.read',
  'GET /api/v1/config': 'config.read',
  // Which config fields are secret, box-only or live: the installer's page (issue 18).
  'GET /api/v1/config/fields': 'config.read',
  'PUT /api/v1/config': 'config.write',
  'POST /api/v1/sim/hook': 'panel.drive',
  // R13 and call-backs: the receptionist places and transfers calls; the directory is what they choose from.
  'GET /api/v1/directory': 'directory.read',
  'POST /api/v1/calls': 'calls.control',
  'POST /api/v1/calls/current/transfer': 'calls.control',
  'POST /api/v1/calls/current/transfer/connect': 'calls.control',
  'POST /api/v1/calls/current/transfer/cancel': 'calls.control',
  'POST /api/v1/sim/button': 'panel.drive',
  // The contact book and the returning caller at ring time (issue 20): reception edits, it exports.
  'GET /api/v1/contacts': 'calls.read',
  'POST /api/v1/contacts': 'records.write',
  'PATCH /api/v1/contacts/:id': 'records.write',
  'DELETE /api/v1/contacts/:id': 'records.write',
  'GET /api/v1/contacts/export': 'calls.export',
  'GET /api/v1/callers/live': 'calls.read',
  'GET /api/v1/callers/:callId': 'calls.read',
  // A desk the receptionist runs herself (issue 20 item 5): reception changes it; the installer and IT list the
  // changes and undo them. Who is away is a colleague's whereabouts (R11): the roles that read the directory.
  'GET /api/v1/desk': 'directory.read',
  'PUT /api/v1/desk/mode': 'desk.run',
  'POST /api/v1/desk/holidays': 'desk.run',
  'DELETE /api/v1/desk/holidays/:date': 'desk.run',
  'POST /api/v1/desk/away': 'desk.run',
  'GET /api/v1/desk/changes': 'desk.audit',
  'POST /api/v1/desk/changes/:id/undo': 'desk.audit',
  // Greetings from the page: reception makes, hears and sets them (audited as desk changes); the others hear them.
  'GET /api/v1/greetings': 'greetings.hear',
  'GET /api/v1/greetings/:slot/audio': 'greetings.hear',
  'POST /api/v1/greetings/drafts': 'desk.run',
  'GET /api/v1/greetings/drafts/:id/audio': 'desk.run',
  'PUT /api/v1/greetings/:slot': 'desk.run',
};

export function permissionFor(method: string, url: string | undefined): Permission | null {
  if (url === undefined) return null;
  return ROUTE_PERMISSIONS[`${method === 'HEAD' ? 'GET' : method} ${url}`] ?? null;
}

export function roleMay(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
