/**
 * A live connection to the panel board: the IO plugin johnny-five drives, plus what johnny-five does not
 * cover (replies to the unit's own sysex messages, noticing the link disappear, closing it for good).
 * serial-link.ts makes one over a serial port; FakeIo.link() (fake-io.ts) makes one for unit tests.
 */
import type { IoPlugin } from './io-plugin.ts';

export interface BoardLink {
  readonly io: IoPlugin;
  /** Open the port; rejects with PanelError when it cannot be opened. */
  open(): Promise<void>;
  /** Handle sysex replies with this command byte (data between the command byte and F7); returns the unsubscriber. */
  onSysex(command: number, handler: (data: number[]) => void): () => void;
  /** Called at most once, when the link goes away (port closed, unplugged, I/O error). */
  onLost(listener: (reason: string) => void): void;
  /** Close the port and drop every listener and timer; safe to call twice. */
  close(): Promise<void>;
}

/** Makes a new, unopened link (the Firmata handshake after open is johnny-five's to wait for). */
export type LinkOpener = () => BoardLink;
