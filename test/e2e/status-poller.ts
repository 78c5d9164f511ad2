/**
 * Polls the unit's GET /api/v1/status every `everyMs` until `until` settles, timing each answer with the
 * monotonic clock. Used by the burst test (every request must answer) and the burst benchmark (p50/p99).
 */
import { performance } from 'node:perf_hooks';

export interface PollResult {
  /** Milliseconds from sending each request to having its whole body. */
  latencies: number[];
  /** Requests that failed or did not answer 200, with what went wrong. */
  failures: string[];
}

export async function pollStatus(baseUrl: string, until: Promise<unknown>, everyMs = 50): Promise<PollResult> {
  const result: PollResult = { latencies: [], failures: [] };
  let done = false;
  void until.finally(() => (done = true)).catch(() => {});
  while (!done) {
    const t0 = performance.now();
    try {
      const res = await fetch(`${baseUrl}/api/v1/status`, { signal: AbortSignal.timeout(10_000) });
      await res.json();
      if (res.status === 200) result.latencies.push(performance.now() - t0);
      else result.failures.push(`status ${res.status}`);
    } catch (err) {
      result.failures.push(String(err));
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return result;
}

/** JS heap used right after a full garbage collection (exposes `gc` to this process if it is not yet). */
export async function heapUsedAfterGc(): Promise<number> {
  const { setFlagsFromString } = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
}
