/**
 * Waits until some process has a UDP socket bound to `port` (IPv4 or IPv6, as /proc/net/udp{,6} list them).
 * A peer that answers calls is ready once its SIP port is bound: an INVITE sent before that is refused by the
 * kernel (ICMP port unreachable), and baresip then never sends it again, so the call rings on unseen until it
 * times out. `gone` ends the wait early when the peer has exited (its result says why).
 */
import { readFile } from 'node:fs/promises';

async function boundPorts(): Promise<Set<number>> {
  const ports = new Set<number>();
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const local = line.trim().split(/\s+/)[1];
      const hex = local?.split(':').pop();
      if (hex) ports.add(parseInt(hex, 16));
    }
  }
  return ports;
}

export async function udpBound(port: number, gone: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await boundPorts()).has(port)) {
    if (gone()) return;
    if (performance.now() > deadline) throw new Error(`nothing bound UDP port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
