import { describe, expect, it } from 'vitest';
import { dialReplyCallId, parseCallList } from '../../../src/adapters/sip/call-list.ts';

describe('call-list (listcalls and dial replies, baresip 1.0.0 and 1.1.0)', () => {
  it('reads 1.0.0 lines (no Call-ID), on hold or not', () => {
    const text = '\n--- Active calls (2) ---\n  [line 1]  00:00:12  ESTABLISHED  (on hold)  sip:+1555@10.0.0.1:5060\n> [line 2]  00:00:03     OUTGOING             sip:wang@127.0.0.1:15380\n\n';
    expect(parseCallList(text)).toEqual([
      { line: 1, id: null, state: 'ESTABLISHED', peerUri: 'sip:+1555@10.0.0.1:5060' },
      { line: 2, id: null, state: 'OUTGOING', peerUri: 'sip:wang@127.0.0.1:15380' },
    ]);
  });

  it('reads 1.1.0 lines (with the Call-ID), every account, colour codes dropped', () => {
    const text = '\nUser-Agent: reception@127.0.0.1\n--- Active calls (1) ---\n> [line 1, id 6a0fd1c2b3]  00:00:01      \x1b[32mRINGING\x1b[;m             sip:li@127.0.0.1:15381\n\n' +
      '\nUser-Agent: line2@127.0.0.1\n--- Active calls (0) ---\n\n';
    expect(parseCallList(text)).toEqual([{ line: 1, id: '6a0fd1c2b3', state: 'RINGING', peerUri: 'sip:li@127.0.0.1:15381' }]);
  });

  it('finds the Call-ID in a 1.1.0 dial reply; 1.0.0 has none', () => {
    expect(dialReplyCallId('call id: 2a84ab6f80489f71\n')).toBe('2a84ab6f80489f71');
    expect(dialReplyCallId('')).toBeNull();
  });
});
