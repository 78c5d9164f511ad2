/**
 * Every problem at once: the threshold order checks (rules.holdLimitMs longer than holdCheckInMs...) are
 * reported even when another field in the file is wrong, and never twice.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/core/errors.ts';

function issuesOf(doc: unknown): string[] {
  try {
    parseConfig(doc);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
}

describe('cross-field checks', () => {
  it('are listed together with the other problems of the file', () => {
    const issues = issuesOf({ rules: { ringBudget: 0, holdCheckInMs: 50_000, holdLimitMs: 40_000, lengthWarnMs: 400_000 }, sip: { listenPort: 'x' } });
    expect(issues.sort()).toEqual([
      'rules.holdLimitMs: must be longer than holdCheckInMs',
      'rules.lengthLimitMs: must be longer than lengthWarnMs',
      'rules.ringBudget: Number must be greater than or equal to 1',
      'sip.listenPort: Expected number, received string',
    ]);
  });

  it('are listed even when a rules field has the wrong type (zod stops the section there)', () => {
    expect(issuesOf({ rules: { ringBudget: 'three', holdCheckInMs: 50_000, holdLimitMs: 40_000 } }).sort()).toEqual([
      'rules.holdLimitMs: must be longer than holdCheckInMs',
      'rules.ringBudget: Expected number, received string',
    ]);
  });

  it('judge a missing key by its default and skip a pair whose value is itself wrong', () => {
    expect(issuesOf({ rules: { ringOnMs: 5000, holdLimitMs: -1 } })).toEqual([
      'rules.holdLimitMs: Number must be greater than 0',
      'rules.ringOnMs: must be shorter than ringCycleMs',
    ]);
  });

  it('are reported once when they are the only problem', () => {
    expect(issuesOf({ rules: { holdCheckInMs: 70_000 } })).toEqual(['rules.holdLimitMs: must be longer than holdCheckInMs']);
    expect(issuesOf({ rules: { holdCheckInMs: 10_000, holdLimitMs: 20_000 } })).toEqual([]);
  });

  it("sip.transfer.panelTarget (the panel's TRANSFER button, R13) must name a colleague in the directory", () => {
    const directory = [{ name: '财务室', uri: 'sip:8001@pbx.example' }];
    expect(issuesOf({ sip: { transfer: { panelTarget: '财务室' } }, directory })).toEqual([]);
    expect(issuesOf({ sip: { transfer: { panelTarget: '王经理' } }, directory })).toEqual(['sip.transfer.panelTarget: "王经理" is not a name in the directory (财务室)']);
    expect(issuesOf({ sip: { transfer: { panelTarget: '王经理' } } })).toEqual(['sip.transfer.panelTarget: "王经理" is not a name in the directory (it is empty)']);
  });
});

