/**
 * Who is asking, as the routes see it: a client of the local listener (full data on the unit itself, the
 * loopback rule of privacy.ts otherwise) or the holder of a LAN token with a role. Routes ask the viewer what
 * they may show: `showCaller` / `showSlipCaller` apply the role's mask (R11).
 */
import type { FastifyRequest } from 'fastify';
import type { Role } from '../../app/records/tokens.ts';
import { isLocalRequest, maskCaller, type CallerFields } from '../privacy.ts';
import { hideCaller, maskCallerForReception } from '../reception-mask.ts';
import { roleMay, type Permission } from './permissions.ts';

export type Viewer =
  | { kind: 'local'; loopback: boolean }
  | { kind: 'token'; name: string; role: Role }
  /** A LAN request not (yet) authenticated: only public routes answer it. */
  | { kind: 'anonymous' };

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer;
  }
}

export function localViewer(request: FastifyRequest): Viewer {
  return { kind: 'local', loopback: isLocalRequest(request) };
}

export function viewerMay(viewer: Viewer, permission: Permission): boolean {
  if (permission === 'public') return true;
  if (viewer.kind === 'local') return true;
  if (viewer.kind === 'anonymous') return false;
  return roleMay(viewer.role, permission);
}

/** Whether this viewer sees caller fields as stored (showCaller leaves them as they are). */
export function seesFull(viewer: Viewer): boolean {
  return (viewer.kind === 'local' && viewer.loopback) || (viewer.kind === 'token' && viewer.role === 'it');
}

/** Caller fields as this viewer may see them. */
export function showCaller(viewer: Viewer): <T extends CallerFields>(value: T) => T {
  if (seesFull(viewer)) return (value) => value;
  if (viewer.kind === 'token' && viewer.role === 'reception') return maskCallerForReception;
  if (viewer.kind === 'token' && viewer.role === 'wallboard') return hideCaller;
  return (value) => maskCaller(value, false);
}

/** A message slip's caller (who left it, the call-back number) as this viewer may see them (R11). */
export function showSlipCaller(viewer: Viewer, from: unknown, callbackNumber: unknown): { from: unknown; callbackNumber: unknown } {
  const shown = showCaller(viewer)({
    callerNumber: typeof callbackNumber === 'string' ? callbackNumber : null,
    callerName: typeof from === 'string' ? from : null,
  });
  return { from: typeof from === 'string' ? shown.callerName : from, callbackNumber: typeof callbackNumber === 'string' ? shown.callerNumber : callbackNumber };
}

/** For the log: who made a change, never a token. */
export function viewerLabel(viewer: Viewer): string {
  if (viewer.kind === 'token') return `${viewer.role}:${viewer.name}`;
  return viewer.kind === 'local' ? 'local' : 'anonymous';
}
