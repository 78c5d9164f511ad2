// The real firmware in simavr, at the byte level: who it says it is, what pins it offers, and resync on garbage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator } from '../peers/simavr.ts';
import { BoardLink, isProblem, isSysex, sysexText, closeSimulatedBoard, openSimulatedBoard } from './board-link.ts';

const INPUT = 0x00;
const OUTPUT = 0x01;
const ANALOG = 0x02;
const PULLUP = 0x0b;

let sim: Simulator;
let link: BoardLink;

beforeAll(async () => {
  ({ sim, link } = await openSimulatedBoard());
});
afterAll(async () => {
  await closeSimulatedBoard({ sim, link });
});

/** Splits a capability response body into per-pin lists of [mode, resolution]. */
function parseCapabilities(msg: number[]): Array<Array<[number, number]>> {
  const pins: Array<Array<[number, number]>> = [];
  let current: Array<[number, number]> = [];
  const body = msg.slice(2, -1);
  for (let i = 0; i < body.length; ) {
    if (body[i] === 0x7f) {
      pins.push(current);
      current = [];
      i += 1;
    } else {
      current.push([body[i] as number, body[i + 1] as number]);
      i += 2;
    }
  }
  expect(current).toEqual([]); // the last pin is closed by 7F too
  return pins;
}

describe('firmware identity and queries', () => {
  it('answers report version with Firmata 2.5', async () => {
    const reply = await link.request([0xf9], (m) => m[0] === 0xf9);
    expect(reply).toEqual([0xf9, 0x02, 0x05]);
  });

  it('answers report firmware with version 2.5 and the name deskphone', async () => {
    const reply = await link.request([0xf0, 0x79, 0xf7], isSysex(0x79));
    expect(reply.slice(0, 4)).toEqual([0xf0, 0x79, 0x02, 0x05]);
    expect(sysexText([0xf0, 0x79, ...reply.slice(4)])).toBe('deskphone');
  });

  it('lists all 20 pins in the capability response, with the modes PROTOCOL.md promises', async () => {
    const pins = parseCapabilities(await link.request([0xf0, 0x6b, 0xf7], isSysex(0x6c)));
    expect(pins).toHaveLength(20);
    expect(pins[0]).toEqual([]);
    expect(pins[1]).toEqual([]);
    for (let pin = 2; pin < 20; pin++) {
      const modes = pins[pin] ?? [];
      expect(modes, `pin ${pin}`).toEqual(
        expect.arrayContaining([
          [INPUT, 1],
          [OUTPUT, 1],
          [PULLUP, 1],
        ]),
      );
      const analog = modes.filter(([mode]) => mode === ANALOG);
      expect(analog, `pin ${pin} analog`).toEqual(pin >= 14 ? [[ANALOG, 10]] : []);
    }
  });

  it('maps A0-A5 to analog channels 0-5 and no other pin', async () => {
    const reply = await link.request([0xf0, 0x69, 0xf7], isSysex(0x6a));
    const expected = Array.from({ length: 20 }, (_, pin) => (pin >= 14 ? pin - 14 : 0x7f));
    expect(reply.slice(2, -1)).toEqual(expected);
  });

  it('reports pin state: an output light at its level, the hook input with its pull-up on', async () => {
    const ready = await link.request([0xf0, 0x6d, 2, 0xf7], isSysex(0x6e));
    expect(ready.slice(2, 4)).toEqual([2, OUTPUT]);
    const hook = await link.request([0xf0, 0x6d, 14, 0xf7], isSysex(0x6e));
    expect(hook).toEqual([0xf0, 0x6e, 14, PULLUP, 1, 0xf7]);
  });

  it('reports a query for a pin it does not have instead of answering', async () => {
    const problem = await link.request([0xf0, 0x6d, 25, 0xf7], isProblem);
    expect(sysexText(problem)).toContain('no such pin');
    expect(sysexText(problem)).toContain('25');
  });

  it('still answers a valid query after garbage bytes, and names what it skipped', async () => {
    const problems = link.next((m) => isProblem(m) && sysexText(m).includes('unknown command byte: 0xA3'));
    const stray = link.next((m) => isProblem(m) && sysexText(m).includes('stray data bytes: 3'));
    // stray data, an unknown command, an unfinished set-pin-mode, an unterminated sysex, then a real query
    const reply = link.next((m) => m[0] === 0xf9);
    await link.send([0x01, 0x02, 0x03, 0xa3, 0x11, 0xf4, 0x05, 0xf0, 0x6b, 0x00, 0xf9]);
    expect(await reply).toEqual([0xf9, 0x02, 0x05]);
    expect(sysexText(await problems)).toContain('0xA3');
    await stray;
    const name = await link.request([0xf0, 0x79, 0xf7], isSysex(0x79));
    expect(sysexText([0xf0, 0x79, ...name.slice(4)])).toBe('deskphone');
  });

  it('survives an over-long sysex and a flood of random bytes, then answers', async () => {
    const long = [0xf0, 0x01, ...Array.from({ length: 40 }, (_, i) => i & 0x7f), 0xf7];
    const tooLong = link.next((m) => isProblem(m) && sysexText(m).includes('sysex too long'));
    await link.send(long);
    await tooLong;
    let seed = 12345;
    const noise = Array.from({ length: 300 }, () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    });
    await link.send(noise);
    const reply = await link.request([0xf9], (m) => m[0] === 0xf9 && m[1] === 0x02, 5000);
    expect(reply).toEqual([0xf9, 0x02, 0x05]);
  });
});
