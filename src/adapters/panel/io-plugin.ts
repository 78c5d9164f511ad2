/**
 * The johnny-five IO plugin surface the panel uses: firmata-io's Firmata implements it on a real board,
 * FakeIo (fake-io.ts) in unit tests. Pin modes are Firmata's numbers (PROTOCOL.md).
 */
import type { EventEmitter } from 'node:events';

export const PIN_MODE = { INPUT: 0x00, OUTPUT: 0x01, ANALOG: 0x02, PWM: 0x03, PULLUP: 0x0b } as const;

export interface IoPin {
  supportedModes: number[];
  mode?: number;
  value?: number;
  report?: number;
  analogChannel: number;
}

export interface IoPlugin extends EventEmitter {
  readonly name: string;
  readonly isReady: boolean;
  readonly MODES: Record<string, number>;
  readonly HIGH: number;
  readonly LOW: number;
  readonly pins: IoPin[];
  readonly analogPins: number[];
  /** What the board said of itself (Firmata REPORT_FIRMWARE), once it has. */
  readonly firmware?: { name?: string; version?: { major: number; minor: number } };
  pinMode(pin: number, mode: number): void;
  digitalWrite(pin: number, value: number): void;
  /** Turns on reporting for the pin's port and calls back with every reported level. */
  digitalRead(pin: number, callback: (value: number) => void): void;
  reportDigitalPin(pin: number, value: 0 | 1): void;
  /** Sends F0 <message> F7; bytes must already be 7-bit. */
  sysexCommand(message: number[]): unknown;
}
