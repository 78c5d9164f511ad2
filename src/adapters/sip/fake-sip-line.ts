/** An in-memory SipLine for unit tests and demos: records commands, lets the test raise SIP events. */
import { SipError } from '../../core/errors.ts';
import type { ConsultRequest, PromptFile, SipLine, SipLineEvent, TransferRequest } from '../../ports/sip-line.ts';
import { numberFromUri } from './event-map.ts';

export class FakeSipLine implements SipLine {
  readonly commands: string[] = [];
  /** Commands in this set reject with SipError, to test failure handling. */
  readonly failing = new Set<string>();
  private readonly listeners = new Set<(event: SipLineEvent) => void>();
  started = false;

  async start(): Promise<void> {
    this.started = true;
    if (this.failing.has('start')) throw new SipError('baresip did not come up (fake)');
  }

  async stop(): Promise<void> {
    this.started = false;
    this.listeners.clear();
  }

  onEvent(listener: (event: SipLineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Deliver an event as the SIP stack would. */
  raise(event: SipLineEvent): void {
    for (const l of [...this.listeners]) l(event);
  }

  answer(callId: string): Promise<void> {
    return this.run('answer', callId);
  }
  autoAnswer(callId: string): Promise<void> {
    return this.run('autoAnswer', callId);
  }
  queue(callId: string): Promise<void> {
    return this.run('queue', callId);
  }
  hangup(callId: string): Promise<void> {
    return this.run('hangup', callId);
  }
  hold(callId: string): Promise<void> {
    return this.run('hold', callId);
  }
  resume(callId: string): Promise<void> {
    return this.run('resume', callId);
  }
  announce(callId: string, what: 'hold-thanks'): Promise<void> {
    return this.run(`announce-${what}`, callId);
  }
  /** Records `prompt:<callId>:<file path or "hold">`. */
  prompt(callId: string, file: PromptFile | null): Promise<void> {
    return this.run('prompt', `${callId}:${file?.path ?? 'hold'}`);
  }
  /** Records `discardPrompt:<file path>`. */
  discardPrompt(file: PromptFile): Promise<void> {
    return this.run('discardPrompt', file.path);
  }
  /** Records `farewell:<callId>:<file path or "none">`; the call closes when the test raises call.closed. */
  farewell(callId: string, file: PromptFile | null): Promise<void> {
    return this.run('farewell', `${callId}:${file?.path ?? 'none'}`);
  }

  /** Places the call: raises `call.outgoing` for it (id `out-1`, `out-2`, …) and resolves with its id. */
  async dial(uri: string): Promise<string> {
    await this.run('dial', uri);
    const callId = `out-${++this.dialed}`;
    this.raise({ type: 'call.outgoing', callId, number: numberFromUri(uri), displayName: null });
    return callId;
  }

  /** Records `transfer:<callId>:<uri>`; rejects when 'transfer' is failing (the REFER was refused). */
  transfer(callId: string, to: TransferRequest): Promise<void> {
    return this.run('transfer', `${callId}:${to.uri}`);
  }

  /** Records `consult:<callId>:<uri>:<announce>`, raises `consult.ringing` for leg `leg-1`, `leg-2`, … */
  async consult(callId: string, to: ConsultRequest): Promise<string> {
    await this.run('consult', `${callId}:${to.uri}:${to.announce}`);
    const legId = `leg-${++this.legs}`;
    this.raise({ type: 'consult.ringing', callId, legId });
    return legId;
  }
  bridge(callId: string, legId: string): Promise<void> {
    return this.run('bridge', `${callId}:${legId}`);
  }
  async endConsult(callId: string, legId: string): Promise<void> {
    await this.run('endConsult', `${callId}:${legId}`);
    this.raise({ type: 'consult.ended', callId, legId, reason: 'cancelled', detail: 'ended by the desk (fake)' });
  }

  private dialed = 0;
  private legs = 0;

  private async run(command: string, callId: string): Promise<void> {
    this.commands.push(`${command}:${callId}`);
    if (this.failing.has(command)) throw new SipError(`${command} refused (fake)`);
  }
}
