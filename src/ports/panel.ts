import type { LightName, LightState } from '../core/lights.ts';

/**
 * Input from the desk: the handset hook switch, the HOLD button, the TRANSFER button where one is wired (R13), and
 * the panel's own health.
 */
export type PanelInput =
  | { type: 'hook'; state: 'off' | 'on' }
  | { type: 'button'; name: 'hold' | 'transfer' }
  | { type: 'fault'; fault: boolean };

/**
 * The LED panel with its inputs. `setLight` takes a pattern (off / on / blink / fast); the panel
 * itself keeps the blinking going. Implementations: simulated (src/adapters/panel/simulated-panel.ts)
 * and the real board (src/adapters/panel/board-panel.ts).
 */
export interface Panel {
  readonly kind: 'simulated' | 'board';
  /** The board's firmware name and version while it is connected ("deskphone 2.5"); absent or null otherwise. */
  readonly firmware?: string | null;
  start(): Promise<void>;
  stop(): Promise<void>;
  setLight(name: LightName, state: LightState): void;
  setRinger(on: boolean): void;
  /** Subscribe; returns the function that unsubscribes. */
  onInput(listener: (input: PanelInput) => void): () => void;
}
