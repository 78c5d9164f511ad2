/**
 * The simulated panel: holds each light's pattern and the ringer in memory and takes hook-switch and
 * hold-button input from the LAN API (POST /api/v1/sim/*). Used when config `panel.kind` is "simulated"
 * (the default), on laptops and in tests. Reads no config keys and no pins.
 */
import { allLights, type LightName, type Lights, type LightState } from '../../core/lights.ts';
import type { Logger } from '../../ports/logger.ts';
import type { Panel, PanelInput } from '../../ports/panel.ts';

export class SimulatedPanel implements Panel {
  readonly kind = 'simulated' as const;
  private lights: Lights = allLights('off');
  private ringer = false;
  private readonly listeners = new Set<(input: PanelInput) => void>();

  constructor(private readonly log: Logger) {}

  async start(): Promise<void> {
    this.log.info('using the simulated panel (no board configured): drive it with POST /api/v1/sim/hook and /api/v1/sim/button');
  }

  async stop(): Promise<void> {
    this.listeners.clear();
  }

  setLight(name: LightName, state: LightState): void {
    this.lights[name] = state;
  }

  setRinger(on: boolean): void {
    this.ringer = on;
  }

  onInput(listener: (input: PanelInput) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Act as if the receptionist used the handset or a button. */
  press(input: PanelInput): void {
    for (const listener of [...this.listeners]) listener(input);
  }

  /** What the simulated LEDs and ringer show now. */
  snapshot(): { lights: Lights; ringer: boolean } {
    return { lights: { ...this.lights }, ringer: this.ringer };
  }
}
