/** The one place where error codes become HTTP statuses and the JSON error body. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ConfigError, DeskphoneError, FieldError } from '../core/errors.ts';

const STATUS_BY_CODE: Record<string, number> = {
  E_BAD_INPUT: 400,
  E_CONFIG: 400,
  E_PANEL_KIND: 409,
  E_SIP: 502,
  E_SIP_TIMEOUT: 504,
  E_JOURNAL: 503,
  E_PANEL: 503,
  E_UPSTREAM: 502,
  E_UNAUTHORIZED: 401,
  E_FORBIDDEN: 403,
  E_NOT_FOUND: 404,
  E_CONFLICT: 409,
  E_LINE_BUSY: 409,
  E_NO_CALL: 409,
  E_TRANSFER_STATE: 409,
  E_NOT_DIALABLE: 422,
  E_NOT_IMPLEMENTED: 501,
  E_IF_MATCH_REQUIRED: 428,
  E_STALE_CONFIG: 412,
  E_CONFIG_READONLY: 503,
  E_MISDIRECTED: 421,
  E_PAIRING_UNKNOWN: 404,
  E_PAIRING_EXPIRED: 410,
  E_PAIRING_USED: 410,
};

export interface ErrorBody {
  /** `issues`: every problem of a config document, each with its field (PUT /api/v1/config). */
  error: { code: string; message: string; field?: string; issues?: { field: string; message: string }[] };
}

/** "rules.x: must be …" -> { field: "rules.x", message: "must be …" }. */
function issueOf(line: string): { field: string; message: string } {
  const at = line.indexOf(': ');
  return at < 0 ? { field: '', message: line } : { field: line.slice(0, at), message: line.slice(at + 2) };
}

/** The request field a fastify validation error is about, e.g. `body.state` or `query.limit`. */
function validationField(err: FastifyError): string {
  const first = err.validation?.[0];
  const where = err.validationContext ?? 'body';
  if (!first) return where;
  const missing = (first.params as { missingProperty?: string; additionalProperty?: string; issue?: { keys?: string[] } } | undefined);
  const path = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
  // zod names unknown keys in the issue, not in the path.
  const leaf = missing?.missingProperty ?? missing?.additionalProperty ?? missing?.issue?.keys?.[0];
  return [where, path, leaf].filter(Boolean).join('.');
}

export function statusFor(code: string): number {
  return STATUS_BY_CODE[code] ?? 500;
}

export function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof DeskphoneError) {
    const issues = err instanceof ConfigError ? err.issues.map(issueOf) : undefined;
    const field = err instanceof FieldError ? err.field : issues?.[0]?.field;
    const body: ErrorBody = { error: { code: err.code, message: err.message, ...(field ? { field } : {}), ...(issues ? { issues } : {}) } };
    void reply.status(statusFor(err.code)).send(body);
    return;
  }
  if (err.validation) {
    const field = validationField(err);
    void reply.status(400).send({ error: { code: 'E_BAD_INPUT', field, message: `${field} ${err.validation[0]?.message ?? 'is invalid'}` } });
    return;
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    // Fastify's own client errors: unparsable JSON, wrong content type, body too large.
    void reply.status(err.statusCode).send({ error: { code: 'E_BAD_INPUT', field: 'body', message: err.message } });
    return;
  }
  request.log.error({ err }, 'request failed');
  void reply.status(500).send({ error: { code: 'E_INTERNAL', message: 'internal error' } });
}
