/**
 * A fake johnny-five IO plugin standing in for the panel board in unit tests: records pin modes, digital
 * writes and sysex commands, lets a test raise input levels, echoes DESK_HEARTBEAT like the firmware, and
 * hands out a BoardLink whose loss the test controls.
 */
import { EventEmitter } from 'node:events';
import { PIN_MODE, type IoPin, type IoPlugin } from './io-plugin.ts';
import type { BoardLink } from './board-link.ts';
import { DESK_HEARTBEAT } from './desk-sysex.ts';

export class FakeIo extends EventEmitter implements IoPlugin {
  readonly name = 'FakeIo';
  /** As the project's firmware reports itself (firmware/PROTOCOL.md). */
  readonly firmware = { name: 'deskphone', version: { major: 2, minor: 5 } };
  readonly MODES = { ...PIN_MODE };
  readonly HIGH = 1;
  readonly LOW = 0;
  /** 20 pins like an ATmega328P board: D0-D13, A0-A5 as 14-19. */
  readonly pins: IoPin[] = Array.from({ length: 20 }, (_, i) => ({
    supportedModes: [0, 1, 0x0b],
    analogChannel: i >= 14 ? i - 14 : 127,
  }));
  readonly analogPins = [14, 15, 16, 17, 18, 19];
  isReady = false;
  readonly modes = new Map<number, number>();
  readonly digitalWrites: [pin: number, value: number][] = [];
  readonly sysex: number[][] = [];
  echoHeartbeat = true;
  private readonly sysexHandlers = new Map<number, (data: number[]) => void>();
  private lost?: (reason: string) => void;

  /** Finish the "handshake" on the next microtask (not a timer, so fake timers don't hold it back). */
  private boot(): void {
    queueMicrotask(() => {
      this.isReady = true;
      this.emit('connect');
      this.emit('ready');
    });
  }
  pinMode(pin: number, mode: number): void {
    this.modes.set(pin, mode);
  }
  digitalWrite(pin: number, value: number): void {
    this.digitalWrites.push([pin, value]);
  }
  digitalRead(pin: number, callback: (value: number) => void): void {
    this.on(`digital-read-${pin}`, callback);
  }
  reportDigitalPin(): void {}
  sysexCommand(message: number[]): this {
    this.sysex.push([...message]);
    if (message[0] === DESK_HEARTBEAT && this.echoHeartbeat) this.sysexHandlers.get(DESK_HEARTBEAT)?.([]);
    return this;
  }
  /** The board reports `level` on `pin`. */
  setInput(pin: number, level: 0 | 1): void {
    this.emit(`digital-read-${pin}`, level);
  }
  /** The serial link goes away. */
  disconnect(reason = 'fake link unplugged'): void {
    this.lost?.(reason);
  }
  link(): BoardLink {
    return {
      io: this,
      open: async () => {
        this.boot();
      },
      onSysex: (command, handler) => {
        this.sysexHandlers.set(command, handler);
        return () => this.sysexHandlers.delete(command);
      },
      onLost: (listener) => {
        this.lost = listener;
      },
      close: async () => {
        this.lost = undefined;
        this.removeAllListeners();
      },
    };
  }
}
