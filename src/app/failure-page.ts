/**
 * When the config is refused, the phone side never starts, but with `--failure-page` (the systemd unit passes it)
 * the unit keeps its local API address up to say why: GET /api/v1/status and /api/v1/session answer 503 with every
 * problem, GET / serves the web page, which lists them (Chinese, then English; a plain page if it was not built). It tells systemd it is "ready" with a status line saying the
 * config was refused, so systemd does not restart it in a loop; fix the file, then restart the service.
 * Config keys read (best effort, from the raw file): http.host, http.port.
 */
import { readFile } from 'node:fs/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { isLoopbackHost } from '../config/http-schema.ts';
import { errorHandler } from '../http/error-map.ts';
import { webRoutes } from '../http/web/web-routes.ts';
import type { Logger } from '../ports/logger.ts';
import { createSdNotifier } from './sd-notify.ts';

export interface FailurePage {
  url: string;
  close(): Promise<void>;
}

/**
 * The listener the refused file asks for when those two keys are usable, else the default 127.0.0.1:8080. The
 * local listener is loopback only: a host that is not loopback (refused by the schema too) gives 127.0.0.1.
 */
export function failurePageAddress(raw: unknown): { host: string; port: number } {
  const http = (raw as { http?: { host?: unknown; port?: unknown } } | null)?.http;
  const host = typeof http?.host === 'string' && isLoopbackHost(http.host) ? http.host : '127.0.0.1';
  const port = typeof http?.port === 'number' && Number.isInteger(http.port) && http.port >= 0 && http.port <= 65535 ? http.port : 8080;
  return { host, port };
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The problems as HTML: the whole page without the web bundle, else inside it (the page then shows them itself). */
function problemsHtml(configPath: string, issues: string[]): string {
  return (
    `<h1>配置有误，电话功能未启动 / The config is refused: the phone side is not running</h1>` +
    `<p>${escape(configPath)}</p><ul>${issues.map((i) => `<li>${escape(i)}</li>`).join('')}</ul>` +
    `<p>修改配置后重启服务 / Fix the file, then: <code>sudo systemctl restart deskphone</code></p>`
  );
}

export async function startFailurePage(options: { configPath: string; issues: string[]; raw: unknown; logger: Logger }): Promise<FailurePage> {
  const app: FastifyInstance = Fastify({ logger: false });
  const body = { error: { code: 'E_CONFIG', message: `the config ${options.configPath} is refused; the phone side is not running`, issues: options.issues } };
  app.get('/api/v1/status', async (_req, reply) => reply.status(503).send(body));
  // The web page's session answers with the problems too, so the page shows them on its status view (issue 9).
  app.get('/api/v1/session', async (_req, reply) => reply.status(503).send(body));
  const problems = problemsHtml(options.configPath, options.issues);
  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(errorHandler);
  const plain = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>deskphone: 配置错误 / config refused</title>${problems}</html>`;
  webRoutes(app, undefined, problems, plain);
  const { host, port } = failurePageAddress(options.raw);
  const url = await app.listen({ host, port });
  options.logger.warn({ url, issues: options.issues }, 'config refused: serving the problems at the local API address until restarted');
  return { url, close: () => app.close() };
}

/**
 * The entry point's refused-config mode: serve the problems, tell systemd (READY=1, STATUS=config refused), and
 * exit on SIGTERM / SIGINT. If even the page cannot listen, exit 2 as without --failure-page.
 */
export async function runFailurePage(configPath: string, issues: string[], logger: Logger): Promise<void> {
  let raw: unknown = null;
  try {
    raw = JSON.parse(await readFile(configPath, 'utf8'));
  } catch {
    // unreadable or not JSON: the default address
  }
  let page: FailurePage;
  try {
    page = await startFailurePage({ configPath, issues, raw, logger });
  } catch (err) {
    logger.error({ err }, 'cannot serve the failure page');
    process.exit(2);
  }
  const notifier = createSdNotifier({ logger, healthy: () => true });
  await notifier.ready(`config refused (${issues.length} problems): see ${page.url}`);
  const stop = () => {
    void notifier.stopping();
    page.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
