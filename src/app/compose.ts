/**
 * The composition root: builds the adapters a config asks for and wires them to the desk unit and the
 * LAN API. main.ts calls it; the end-to-end tests call it too, so they boot the same unit.
 */
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { JsonlJournal } from '../adapters/journal/jsonl-journal.ts';
import { SeqHighWater } from '../adapters/journal/seq-high-water.ts';
import { LowdbStateStore } from '../adapters/state/lowdb-state-store.ts';
import { SimulatedPanel } from '../adapters/panel/simulated-panel.ts';
import { BaresipLine } from '../adapters/sip/baresip-line.ts';
import { lineAors } from '../adapters/sip/baresip-config.ts';
import { handsetAudio } from '../adapters/sip/handset-audio.ts';
import type { Config } from '../config/schema.ts';
import { tokenStoreIn } from '../adapters/state/token-store.ts';
import { startListeners, type Listeners } from '../http/listeners.ts';
import type { CallJournal } from '../ports/call-journal.ts';
import { systemClock, type Clock } from '../ports/clock.ts';
import type { Panel } from '../ports/panel.ts';
import type { HoldPrompts, SipLine } from '../ports/sip-line.ts';
import { DeskUnit } from './desk-unit.ts';
import { ConfigWriter } from './config-writer.ts';
import { RecordsService } from './records/records-service.ts';
import { DirectoryBook, spokenName } from './calls/directory-book.ts';
import { ProvisioningStatusSource } from './provisioning/provisioning-status.ts';
import { createGreetingLibrary } from './greetings/create-greetings.ts';
import type { GreetingLibrary } from './greetings/greeting-library.ts';
import type { AppLogger } from './logger.ts';
import { audioAttachments } from './sync/audio-attachments.ts';
import { startSync, storedCursorFloor, type RunningSync } from './sync/start-sync.ts';
import { normalizePhoneNumber } from '../adapters/phone/phone-numbers.ts';
import { ContactBook } from './contacts/contact-book.ts';
import { ReturningCallers } from './contacts/returning-callers.ts';
import { MessagePrompt } from './messages/message-prompt.ts';
import { VoiceMessages } from './messages/voice-messages.ts';
import { VoiceStore } from './messages/voice-store.ts';
import { CallbackPrompts } from './greetings/callback-prompts.ts';
import { SoxEspeakAudio } from '../adapters/audio/sox-espeak-audio.ts';
import { DeskSettings } from './desk/desk-settings.ts';
import { DeskGreetings } from './greetings/desk-greetings.ts';
import { CallRecordings } from './recordings/call-recordings.ts';
import { RecordingNotice } from './recordings/recording-notice.ts';
import { Sox } from '../adapters/audio/sox.ts';

export interface RunningUnit {
  unit: DeskUnit;
  http: FastifyInstance;
  /** The local API's address, e.g. http://127.0.0.1:8080 (the LAN one's when the local listener is off). */
  url: string;
  /** The LAN HTTPS listener and its certificate's SHA-256 fingerprint, when it runs. */
  lan: { url: string; fingerprint: string } | null;
  records: RecordsService;
  /** R9 voice messages (issue 20 item 3): the slips with audio the unit takes out of hours; prune() is retention's. */
  voiceMessages: VoiceMessages;
  /** Issue 20 item 4: call recordings (opt-in; prune() is retention's). */
  recordings: CallRecordings;
  /** Greeting and announcement files for the SIP side (issue 7); the built-ins are made in the background at start. */
  greetings: GreetingLibrary;
  /** R4: the call-back offer's prompts (live config changes reach them). */
  callbackPrompts: CallbackPrompts;
  /** Colleagues to call and transfer to (R13); replace() applies a new config's directory live. */
  directory: DirectoryBook;
  /** Upstream sync (issue 10): idle when no sink is configured. */
  sync: RunningSync;
  /** PUT /api/v1/config; the service hooks attach the config file and the live-config path to it. */
  configWriter: ConfigWriter;
  /** Fleet provisioning's latest outcome for the status (the service hooks attach it). */
  provisioning: ProvisioningStatusSource;
  stop(): Promise<void>;
}

export interface ComposeOverrides {
  sip?: SipLine;
  panel?: Panel;
  journal?: CallJournal;
  clock?: Clock;
}

async function createPanel(config: Config, logger: AppLogger): Promise<Panel> {
  if (config.panel.kind === 'simulated') return new SimulatedPanel(logger.child({ module: 'panel' }));
  // Loaded only when a board is configured: johnny-five and serialport stay out of simulated runs.
  const { createBoardPanel } = await import('../adapters/panel/create-board-panel.ts');
  return createBoardPanel(config.panel, logger.child({ module: 'panel' }));
}

async function createSipLine(config: Config, dataDir: string, logger: AppLogger, prompts: HoldPrompts, messagePrompt: MessagePrompt, notice: RecordingNotice): Promise<SipLine> {
  const audio = await handsetAudio(config.audio);
  if (audio.headlessReason) logger.warn({ reason: audio.headlessReason }, 'the handset has no audio: calls are silent both ways');
  else logger.info({ devices: audio.devices }, 'handset audio');
  return new BaresipLine({
    sip: config.sip, dataDir, logger: logger.child({ module: 'sip' }), audio: audio.devices, env: audio.env, prompts,
    greetingAtPickup: config.greetings.playAtEveryPickup,
    // R9: out of hours a caller the unit answers may leave a voice message (src/adapters/sip/line/message-tap.ts).
    ...(config.voiceMessages.enabled
      ? { voiceMessages: { ...config.voiceMessages, prompt: (at: number) => messagePrompt.voiceMessageFor(at) } }
      : {}),
    // Issue 20 item 4: calls the handset takes are recorded, after the notice (src/adapters/sip/line/call-dumps.ts).
    ...(config.recording.enabled ? { recording: { notice: () => notice.notice() } } : {}),
  });
}

export async function startUnit(config: Config, logger: AppLogger, overrides: ComposeOverrides = {}): Promise<RunningUnit> {
  const dataDir = resolve(config.dataDir);
  // Small durable state: the sync cursors and the journal's seq high-water mark (the file keeps its first name).
  const state = new LowdbStateStore(join(dataDir, 'state', 'sync.json'));
  const setAside = await state.openSettingAsideCorrupt();
  if (setAside) logger.error({ file: setAside }, 'sync state file was corrupt: kept aside, sync starts again from the first entry (sinks upsert by id)');
  const highWater = new SeqHighWater({ store: state, logger: logger.child({ module: 'journal' }), also: () => storedCursorFloor(state) });
  const journal = overrides.journal ?? new JsonlJournal({ dir: join(dataDir, 'journal'), logger: logger.child({ module: 'journal' }), highWater });
  const greetings = createGreetingLibrary(config, logger, { clock: overrides.clock ?? systemClock });
  // A fresh unit makes its Mandarin placeholder greetings and announcements so it never answers in silence.
  greetings.ensureBuiltins().catch((err: unknown) => logger.error({ err }, 'built-in greetings not made'));
  // R13: whispers name callers; one left by a unit that stopped during a consult goes.
  greetings.discardAllWhispers().catch((err: unknown) => logger.warn({ err }, 'old whisper files not removed'));
  // R4: the call-back offer's prompts; read-backs name callers, and one left by a unit that stopped goes.
  const callbackPrompts = new CallbackPrompts({ store: greetings.store, audio: new SoxEspeakAudio(), config: config.greetings });
  callbackPrompts.discardAll().catch((err: unknown) => logger.warn({ err }, 'old read-back files not removed'));
  // R9: what a caller hears before a voice message (the greeting, the instruction, the tone).
  const messagePrompt = new MessagePrompt({
    greetingFor: (at) => greetings.greetingFor(at),
    store: greetings.store,
    audio: new SoxEspeakAudio(),
    settings: () => ({
      enabled: config.voiceMessages.enabled, instruction: config.voiceMessages.instruction, voice: config.greetings.voice,
      declinedInstruction: config.voiceMessages.declinedInstruction,
    }),
  });
  // Issue 20 item 4: "本次通话可能会被录音" before a recorded call (config recording.notice).
  const recordingNotice = new RecordingNotice({ store: greetings.store, audio: new SoxEspeakAudio(), settings: () => ({ notice: config.recording.notice, voice: config.greetings.voice }) });
  const sip = overrides.sip ?? (await createSipLine(config, dataDir, logger, greetings, messagePrompt, recordingNotice));
  const panel = overrides.panel ?? (await createPanel(config, logger));
  const unit = new DeskUnit({
    settings: {
      rules: config.rules,
      unitId: config.unitId,
      timeZone: config.timeZone,
      autoAnswerAfterRings: config.greetings.autoAnswerAfterRings,
      callbackOffer: config.greetings.callbackOffer,
      greetingAtPickup: config.greetings.playAtEveryPickup,
      // The line accounts the SIP line really has (with a registrar, only the lines with an extension).
      lines: lineAors(config.sip).length,
      transfer: { ...config.sip.transfer, timeoutMs: config.sip.transferTimeoutMs },
      // R9/R13: a colleague who declines has the caller leave them a voice message.
      voiceMessageWhenDeclined: config.voiceMessages.enabled && config.voiceMessages.whenDeclined,
      // R4/R9: a caller past the hold limit may press 3 for a voice message (when the line can record one: sip.up).
      voiceMessageAtHoldLimit: config.voiceMessages.enabled && config.voiceMessages.atHoldLimit,
    },
    sip,
    panel,
    journal,
    clock: overrides.clock ?? systemClock,
    logger,
    transferAnnouncement: (label) => greetings.transferAnnouncementFor(spokenName(label)),
    whisper: (caller) => greetings.whisperFor(caller),
    discardWhisper: (file) => greetings.discardWhisper(file),
    voiceMessagePrompt: (to) => messagePrompt.forColleague(spokenName(to)),
    deskMessagePrompt: () => messagePrompt.forDesk(),
    callbackPrompts,
    // R13: the panel's TRANSFER button (where wired) puts the caller through to this colleague.
    panelTransferTarget: () => {
      const name = config.sip.transfer.panelTarget;
      return name === null ? null : directory.resolve(name, 'sip.transfer.panelTarget');
    },
  });
  const directory = new DirectoryBook(config.directory, config.sip.registrar?.host ?? null);
  await unit.start();
  const clock = overrides.clock ?? systemClock;
  const voiceStore = new VoiceStore(join(dataDir, 'voice-messages'));
  // Upstream sync: the journal is the spool; the backlog drives the SYNC light.
  const sync = await startSync({
    upstream: config.upstream, retentionDays: config.journal.retentionDays, unitId: config.unitId, store: state, journal, clock, logger,
    dispatch: (event) => unit.dispatch(event),
    // R9: a voice message's audio goes with its slip's journal file.
    afterRetention: async () => {
      await voiceMessages.prune();
      await recordings.prune();
    },
    // R9: with the installer's consent, a voice message's audio goes with its slip to sinks that carry audio.
    ...(config.voiceMessages.syncAudio ? { attachAudio: audioAttachments({ read: (file) => voiceStore.read(file), logger }) } : {}),
  });
  unit.on('recorded', () => sync.notify());
  const records = new RecordsService({
    unit, journal, clock, config: config.records, timeZone: config.timeZone, limits: () => unit.rules, logger, numberKey: (n) => normalizePhoneNumber(n),
  });
  // Issue 20: the contact book (its own durable state file) and the returning caller known at ring time.
  const contactsStore = new LowdbStateStore(join(dataDir, 'state', 'contacts.json'));
  // A damaged file never keeps the unit from taking calls: it is kept aside whole, named in the log, and the book
  // starts empty (every change is also in the journal as a contact.* event, and upstream).
  const contactsAside = await contactsStore.openSettingAsideCorrupt();
  if (contactsAside) logger.error({ file: contactsAside }, 'contact book file was corrupt: kept aside, the contact book starts empty');
  const contacts = new ContactBook({ store: contactsStore, journal, clock });
  await contacts.open();
  const callers = new ReturningCallers({ unit, records, contacts, clock, logger });
  callers.start();
  const voiceMessages = new VoiceMessages({
    config: () => config.voiceMessages,
    store: voiceStore,
    sip,
    unit,
    records,
    journal,
    contactName: (number) => contacts.forNumber(number)?.name ?? null,
    normalize: (number) => normalizePhoneNumber(number),
    clock,
    logger,
  });
  await voiceMessages.start();
  // After the returning callers: its record decoration (recorded) wraps theirs (contactName).
  const sox = new Sox();
  const recordings = new CallRecordings({
    dir: join(dataDir, 'recordings'),
    sip,
    unit,
    journal,
    findRecord: async (id) => {
      await records.ready();
      return records.getCall(id).then((c) => c.record, () => null);
    },
    merge: (left, right, output) => sox.mergeStereo(left, right, output),
    clock,
    logger,
  });
  await recordings.start(config.recording.enabled);
  if (config.recording.enabled) logger.info({ dir: join(dataDir, 'recordings') }, 'call recording is on: calls the handset takes are recorded after the notice');
  // Issue 20 item 5: today's mode, holidays and away colleagues set from the page, audited (its own state file).
  const deskStore = new LowdbStateStore(join(dataDir, 'state', 'desk.json'));
  const deskAside = await deskStore.openSettingAsideCorrupt();
  if (deskAside) logger.error({ file: deskAside }, 'desk settings file was corrupt: kept aside, the desk starts open with no holidays or absences added');
  const desk = new DeskSettings({ store: deskStore, journal, clock, timeZone: config.timeZone, colleague: (name) => directory.find(name)?.name });
  await desk.open();
  greetings.attachDesk(desk);
  const pageGreetings = new DeskGreetings({ library: greetings, desk, clock });
  const configWriter = new ConfigWriter(logger.child({ module: 'config' }));
  const provisioning = new ProvisioningStatusSource();
  let listeners: Listeners;
  try {
    // The journal is read in the background: a long one must not hold up the panel and the SIP line.
    void records.start();
    listeners = await startListeners({ http: config.http, config, dataDir, unit, unitId: config.unitId, records, directory, tokens: tokenStoreIn(dataDir), sync, configWriter, provisioning, clock, logger, contacts: { book: contacts, callers }, desk, greetings: pageGreetings, recordings: { recordings, receptionMayPlay: config.recording.receptionMayPlay } });
  } catch (err) {
    await recordings.stop();
    callers.stop();
    records.stop();
    await sync.stop();
    await unit.stop();
    await greetings.close();
    await state.close();
    throw err;
  }
  const { app: http, url } = listeners.local ?? { app: listeners.lan?.app as FastifyInstance, url: listeners.lan?.url ?? '' };
  logger.info({ url, sip: `${config.sip.listenAddress}:${config.sip.listenPort}`, panel: panel.kind }, 'deskphone unit running');
  return {
    unit,
    http,
    url,
    greetings,
    callbackPrompts,
    directory,
    lan: listeners.lan && { url: listeners.lan.url, fingerprint: listeners.lan.fingerprint },
    records,
    voiceMessages,
    recordings,
    sync,
    configWriter,
    provisioning,
    async stop() {
      await listeners.close();
      await recordings.stop();
      callers.stop();
      await voiceMessages.stop();
      records.stop();
      await sync.stop();
      await unit.stop();
      await greetings.close();
      await contacts.close();
      await desk.close();
      await state.close();
    },
  };
}
