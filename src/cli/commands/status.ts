/**
 * `deskphone status [--config FILE] [--url URL] [--json]`: the running unit's health, read from its local
 * listener (GET /api/v1/status, and /metrics when served), and the LAN listener's certificate fingerprint from
 * the config (./status-lan.ts). Without sudo the config is not readable (0640: it holds passwords); the unit's
 * public runtime file (/run/deskphone/api.json, written by the service) gives the address and fingerprint
 * instead. Exit 0 healthy, 1 running with a problem, 7 not reachable (not running, or the local listener is off).
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Command } from 'commander';
import { DEFAULT_RUNTIME_DIR, readRuntimeFile, runtimeFilePath } from '../../app/runtime-file.ts';
import { readUnitStatus, localApiUrl, type Problem, type UnitStatus } from '../../app/unit-status.ts';
import { loadConfig } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import { EXIT } from '../exit-codes.ts';
import { formatLan, lanCertificateOf, type LanCertificate } from './status-lan.ts';

export const DEFAULT_CONFIG = '/etc/deskphone/config.json';

const PROBLEM_TEXT: Record<Problem, string> = {
  unreachable: '无法连接设备 / unit not reachable',
  'sip-down': 'SIP 未连接 / SIP not up',
  'panel-fault': '面板故障 / panel board fault',
  'journal-fault': '通话日志无法写入 / call journal cannot write',
  'records-unwritten': '有通话记录尚未写入 / call records waiting to be written',
};

const PROVISIONING_FAULT: Record<string, string> = {
  refused: '下发的配置被拒绝 / the fetched config was refused',
  unreachable: '配置服务器无法访问 / provisioning server unreachable',
};

const yes = (ok: boolean | undefined, good: string, bad: string) => (ok ? good : bad);

export function formatStatus(s: UnitStatus): string {
  const lines = [`deskphone 状态 / status — ${s.url}`];
  if (!s.reachable || !s.status) {
    lines.push(`  ${PROBLEM_TEXT.unreachable}: ${s.error ?? ''}`);
    return `${lines.join('\n')}\n`;
  }
  const st = s.status;
  lines.push(`  设备 / unit: ${st.unitId ?? '?'}`);
  lines.push(`  SIP: ${yes(st.sip?.up, '已连接 / up', '未连接 / down')}`);
  lines.push(`  面板 / panel: ${st.panel?.kind ?? '?'}, ${yes(!st.panel?.fault, '正常 / ok', '故障 / fault')}, 听筒 / handset: ${st.panel?.hook === 'off' ? '已拿起 / lifted' : '已挂上 / down'}`);
  lines.push(`  通话日志 / journal: ${yes(!st.journal?.fault, '正常 / ok', '故障 / fault')}, 未写入 / unwritten: ${st.journal?.unwrittenRecords ?? 0}`);
  const call = st.call ? `${st.call.state ?? '?'}${st.call.rings ? `, 第 ${st.call.rings} 声 / ring ${st.call.rings}` : ''}` : '无 / none';
  lines.push(`  当前通话 / call: ${call}${st.waitingCalls ? `, 等待 / waiting: ${st.waitingCalls}` : ''}`);
  for (const k of st.sync?.sinks ?? []) {
    const age = k.oldestUnsentAgeMs == null ? '' : `, 最旧 / oldest ${Math.round(k.oldestUnsentAgeMs / 1000)} s`;
    const err = k.lastError ? `, 错误 / error: ${k.lastError.message}` : '';
    lines.push(`  上传 / sync ${k.sink}: 待发 / backlog ${k.backlog ?? 0}${age}, 上次成功 / last success ${k.lastSuccessAt ?? '—'}${err}`);
  }
  if (st.provisioning) {
    const p = st.provisioning;
    const fault = p.fault ? `, ${PROVISIONING_FAULT[p.fault] ?? p.fault}` : '';
    lines.push(`  配置下发 / provisioning: ${p.outcome ?? '?'}${p.at ? ` (${p.at})` : ''}${fault}`);
    for (const problem of p.problems ?? []) lines.push(`    - ${problem}`);
  }
  lines.push(
    s.healthy ? '  健康 / health: 正常 / healthy' : `  健康 / health: 有问题 / problems:\n${s.problems.map((p) => `    - ${PROBLEM_TEXT[p]}`).join('\n')}`,
  );
  return `${lines.join('\n')}\n`;
}

export function registerStatus(program: Command, out: NodeJS.WritableStream, done: (code: Promise<number>) => void): void {
  program
    .command('status')
    .description('show the running unit\'s health (from its local API)')
    .option('-c, --config <file>', 'the unit\'s config file, to find its local API', DEFAULT_CONFIG)
    .option('--url <url>', 'the local API\'s address instead (e.g. http://127.0.0.1:8080)')
    .option('--runtime-dir <dir>', 'where the running service leaves its address (read when the config is not readable)', DEFAULT_RUNTIME_DIR)
    .option('--json', 'print JSON instead of text')
    .action((opts: StatusOptions) => done(status(opts, out)));
}

interface StatusOptions {
  config: string;
  url?: string;
  runtimeDir: string;
  json?: boolean;
}

/** False when the file exists but this user may not read it (status run without sudo). */
async function readable(file: string): Promise<boolean> {
  try {
    await access(file, constants.R_OK);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code !== 'EACCES' && code !== 'EPERM';
  }
}

const unreachable = (error: string): UnitStatus => ({ url: '', reachable: false, error, healthy: false, problems: ['unreachable'], status: null, metrics: null });

function write(out: NodeJS.WritableStream, s: UnitStatus, lan: LanCertificate | null, json: boolean | undefined): void {
  out.write(json ? `${JSON.stringify({ ...s, lan }, null, 2)}\n` : `${formatStatus(s)}${formatLan(lan).join('\n')}\n`);
}

async function status(opts: StatusOptions, out: NodeJS.WritableStream): Promise<number> {
  let url = opts.url;
  let config: Config | null = null;
  let lan: LanCertificate | null = null;
  if (await readable(opts.config)) {
    // With --url the config is optional: without it the LAN certificate is shown as unknown.
    config = url ? await loadConfig(opts.config).catch(() => null) : await loadConfig(opts.config);
    lan = config && (await lanCertificateOf(config));
    if (lan?.error) {
      // The certificate is the service's alone (state/tls is 0700): the running service's runtime file has its fingerprint.
      const runtime = await readRuntimeFile(opts.runtimeDir).catch(() => null);
      if (runtime?.lan) lan = { enabled: lan.enabled, port: lan.port, fingerprint: runtime.lan.fingerprint };
    }
  } else {
    const runtime = await readRuntimeFile(opts.runtimeDir).catch(() => null);
    if (runtime) lan = runtime.lan ? { enabled: true, port: runtime.lan.port, fingerprint: runtime.lan.fingerprint } : { enabled: false, port: 0, fingerprint: null };
    if (!url) {
      if (!runtime) {
        const why = `cannot read ${opts.config} (no permission: it holds passwords) and ${runtimeFilePath(opts.runtimeDir)} does not exist (the service is not running): run with sudo, or give --url`;
        write(out, unreachable(why), lan, opts.json);
        return EXIT.unreachable;
      }
      if (!runtime.local) {
        write(out, unreachable('the local listener is off (http.enabled is false): use --url'), lan, opts.json);
        return EXIT.unreachable;
      }
      url = runtime.local;
    }
  }
  if (!url) {
    if (!config?.http.enabled) {
      write(out, unreachable('http.enabled is false: the local listener is off (use --url)'), lan, opts.json);
      return EXIT.unreachable;
    }
    url = localApiUrl(config.http);
  }
  const s = await readUnitStatus(url.replace(/\/+$/, ''));
  write(out, s, lan, opts.json);
  if (!s.reachable) return EXIT.unreachable;
  return s.healthy ? EXIT.ok : EXIT.failed;
}
