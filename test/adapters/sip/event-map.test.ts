import { describe, expect, it } from 'vitest';
import { closeReason, consultEndReason, dtmfDigit, isBaresipEvent, mapEvent, numberFromUri } from '../../../src/adapters/sip/event-map.ts';

const base = { event: true as const, class: 'call', accountaor: 'sip:reception@127.0.0.1:15060', id: 'abc@host' };

describe('event-map', () => {
  it('CALL_INCOMING -> call.incoming with the number from peeruri and the display name', () => {
    expect(mapEvent({ ...base, type: 'CALL_INCOMING', peeruri: 'sip:+1555@10.0.0.1:5060', peerdisplayname: 'Alice' })).toEqual({
      type: 'call.incoming',
      callId: 'abc@host',
      number: '+1555',
      displayName: 'Alice',
    });
  });

  it('CALL_INCOMING without or with an empty display name -> displayName null', () => {
    expect(mapEvent({ ...base, type: 'CALL_INCOMING', peeruri: 'sip:2001@h' })).toMatchObject({ displayName: null });
    expect(mapEvent({ ...base, type: 'CALL_INCOMING', peeruri: 'sip:2001@h', peerdisplayname: '' })).toMatchObject({ displayName: null });
  });

  it('parses numbers from sip, sips and tel URIs; no user part -> null', () => {
    expect(numberFromUri('sips:100@h;transport=tls')).toBe('100');
    expect(numberFromUri('sip:%2B1555@h')).toBe('+1555');
    expect(numberFromUri('tel:+4930123;phone-context=x')).toBe('+4930123');
    expect(numberFromUri('sip:h.example.com')).toBeNull();
    expect(numberFromUri(undefined)).toBeNull();
    expect(numberFromUri('sip:+86%20138-0000-0000@h')).toBe('+8613800000000');
    expect(numberFromUri('sip:+1555;phone-context=pbx@h;user=phone')).toBe('+1555');
  });

  it('a caller address that is not a dialable number gives no number (issue 17: never something to dial back)', () => {
    // A From header the caller chose: an address planted as the user part, names, service codes.
    for (const uri of ['sip:sip%3Ax%40elsewhere.example@pbx', 'sip:x@elsewhere.example', 'sips:alice@h', 'sip:*97@h', 'sip:%ZZ@h', 'tel:sip%3Ax']) {
      expect(numberFromUri(uri), uri).toBeNull();
    }
    expect(mapEvent({ ...base, type: 'CALL_INCOMING', peeruri: 'sip:sip%3Ax%40elsewhere.example@pbx', peerdisplayname: 'Bank' })).toEqual({
      type: 'call.incoming',
      callId: 'abc@host',
      number: null,
      displayName: 'Bank',
    });
  });

  it('CALL_ESTABLISHED -> call.established', () => {
    expect(mapEvent({ ...base, type: 'CALL_ESTABLISHED' })).toEqual({ type: 'call.established', callId: 'abc@host' });
  });

  it.each([
    ['Connection reset by peer', 'remote'],
    ['Connection reset by user', 'local'],
    ['end of file', 'eof'],
    ['488 Not Acceptable Here', 'error'],
    [undefined, 'error'],
  ] as const)('CALL_CLOSED %s -> %s', (param, reason) => {
    expect(closeReason(param)).toBe(reason);
    expect(mapEvent({ ...base, type: 'CALL_CLOSED', param })).toEqual({ type: 'call.closed', callId: 'abc@host', reason });
  });

  it('REGISTER_OK -> sip.up, REGISTER_FAIL -> sip.down with the reason', () => {
    expect(mapEvent({ event: true, type: 'REGISTER_OK', param: '200 OK' })).toEqual({ type: 'sip.up' });
    expect(mapEvent({ event: true, type: 'REGISTER_FAIL', param: '401 Unauthorized' })).toEqual({
      type: 'sip.down',
      reason: 'registration failed: 401 Unauthorized',
    });
  });

  it('ignores other events and call events without an id', () => {
    for (const type of ['CALL_RINGING', 'CALL_LOCAL_SDP', 'CALL_RTPESTAB', 'REGISTERING', 'SHUTDOWN', 'EXIT', 'NOPE']) {
      expect(mapEvent({ ...base, type })).toBeNull();
    }
    expect(mapEvent({ event: true, type: 'CALL_INCOMING', peeruri: 'sip:1@h' })).toBeNull();
  });

  it('tells events from replies', () => {
    expect(isBaresipEvent({ event: true, type: 'X' })).toBe(true);
    expect(isBaresipEvent({ response: true, ok: true, token: '1' })).toBe(false);
    expect(isBaresipEvent({ event: 'true', type: 'X' })).toBe(false);
    expect(isBaresipEvent(null)).toBe(false);
  });
});

describe('consult leg events (R13)', () => {
  it('CALL_DTMF_START carries the key (RFC 4733 and SIP INFO alike); the key-up and other events carry none', () => {
    const ev = (type: string, param?: string) => ({ event: true as const, type, id: 'leg', param });
    expect(dtmfDigit(ev('CALL_DTMF_START', '1'))).toBe('1');
    expect(dtmfDigit(ev('CALL_DTMF_START', '#'))).toBe('#');
    expect(dtmfDigit(ev('CALL_DTMF_END'))).toBeNull();
    expect(dtmfDigit(ev('CALL_DTMF_START', 'xx'))).toBeNull();
    expect(dtmfDigit(ev('CALL_ESTABLISHED', '1'))).toBeNull();
  });

  it('CALL_DTMF_START -> call.dtmf with the key (R4: the desk\'s own callers); the key release and odd keys -> nothing', () => {
    expect(mapEvent({ ...base, type: 'CALL_DTMF_START', param: '1' })).toEqual({ type: 'call.dtmf', callId: 'abc@host', digit: '1' });
    expect(mapEvent({ ...base, type: 'CALL_DTMF_START', param: '#' })).toEqual({ type: 'call.dtmf', callId: 'abc@host', digit: '#' });
    expect(mapEvent({ ...base, type: 'CALL_DTMF_END', param: '' })).toBeNull();
    expect(mapEvent({ ...base, type: 'CALL_DTMF_START', param: '12' })).toBeNull();
  });

  it('a final answer maps to busy (486, 600), declined (603) or refused (anything else)', () => {
    expect(consultEndReason('486 Busy Here')).toBe('busy');
    expect(consultEndReason('600 Busy Everywhere')).toBe('busy');
    expect(consultEndReason('603 Decline')).toBe('declined');
    expect(consultEndReason('480 Temporarily Unavailable')).toBe('refused');
    expect(consultEndReason('Connection timed out')).toBe('refused');
    expect(consultEndReason(undefined)).toBe('refused');
  });
});
