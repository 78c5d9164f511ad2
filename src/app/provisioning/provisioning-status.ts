/**
 * Where the status route finds the outcome of fleet provisioning: the service hooks attach the latest outcome (at
 * boot, then after each reload), and GET /api/v1/status (so `deskphone status`) shows it. No personal
 * data and no secrets: file URLs, times and problems naming the file and the field.
 */
import type { ProvisioningOutcome } from './provision.ts';

export interface ProvisioningStatus {
  /** off: no provisioning.url; applied: the fetched files are in force; last-good: the kept copy; local: the local file alone. */
  outcome: ProvisioningOutcome['state'];
  /** Why the fetched files are not in force: unreachable, or refused (problems names the file and field). */
  fault: ProvisioningOutcome['fault'];
  /** When the files were fetched (or tried). */
  at: string | null;
  /** The files in force (URLs). */
  sources: string[];
  problems: string[];
}

/**
 * The latest outcome, for GET /api/v1/status: made with the unit (compose.ts) and handed to the HTTP layer; the
 * entry point attaches the outcome at boot and after each reload.
 */
export class ProvisioningStatusSource {
  private latest: (() => ProvisioningOutcome) | null = null;

  attach(latest: () => ProvisioningOutcome): void {
    this.latest = latest;
  }

  /** The `provisioning` section of the status, or null when the unit was started without the entry point. */
  current(): ProvisioningStatus | null {
    const o = this.latest?.();
    if (!o) return null;
    return { outcome: o.state, fault: o.fault, at: o.state === 'off' ? null : o.at, sources: o.sources, problems: o.issues };
  }
}
