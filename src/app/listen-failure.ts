/**
 * A listener that cannot take its address (port in use, address not on this machine, port not allowed) is a
 * configuration problem, not a crash: restarting will not free the port. main.ts reports it with the address and
 * the config keys to change, and exits with EX_CONFIG (78, sysexits.h), which the systemd unit lists in
 * RestartPreventExitStatus= so that the service stops instead of restarting in a loop.
 * Config keys read: http.enabled, http.host, http.port, http.lan.enabled, http.lan.host, http.lan.port.
 */
import type { HttpConfig } from '../config/http-schema.ts';

export const EX_CONFIG = 78;

const REASONS: Record<string, string> = {
  EADDRINUSE: 'another program uses this port',
  EADDRNOTAVAIL: 'this machine has no such address',
  EACCES: 'not allowed to use this port (below 1024 needs privileges)',
};

export interface ListenFailure {
  address: string;
  port: number;
  /** The config keys that choose this address. */
  keys: string[];
  message: string;
}

/** The failure described for the installer when `err` is a listener that could not bind, else null. */
export function listenFailureOf(err: unknown, http: HttpConfig): ListenFailure | null {
  const e = err as (NodeJS.ErrnoException & { address?: unknown; port?: unknown }) | null;
  if (!e || e.syscall !== 'listen' || typeof e.code !== 'string' || !(e.code in REASONS)) return null;
  const port = typeof e.port === 'number' ? e.port : -1;
  const address = typeof e.address === 'string' ? e.address : '?';
  const keys = [
    ...(http.enabled && http.port === port ? ['http.host', 'http.port'] : []),
    ...(http.lan.enabled && http.lan.port === port ? ['http.lan.host', 'http.lan.port'] : []),
  ];
  const where = keys.length > 0 ? keys : ['http.port', 'http.lan.port'];
  return {
    address,
    port,
    keys: where,
    message: `cannot listen on ${address}:${port}: ${REASONS[e.code]} (${e.code}); change ${where.join(' / ')} in the config, or stop the program using it`,
  };
}
