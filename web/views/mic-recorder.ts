/**
 * A greeting recorded with the browser's microphone (issue 20 item 5). The unit's sox reads WAV, not the WebM/Opus
 * that MediaRecorder makes, so the page takes the microphone's samples itself (Web Audio), mixes them to mono and
 * writes a 16-bit WAV, which goes up as any uploaded greeting (converted and checked by the unit). At most 60 s.
 * Browsers give the microphone only to a secure page (HTTPS, or the unit's own http://127.0.0.1).
 */
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/i18n.ts';
import { wavFrom } from '../wav.ts';

const MAX_S = 60;

interface Take {
  stop(): Promise<Blob>;
}

async function startTake(): Promise<Take> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  const context = new AudioContext();
  const source = context.createMediaStreamSource(stream);
  // ScriptProcessorNode: the one way to read samples with no worklet file (deprecated, still in every browser).
  const tap = context.createScriptProcessor(4096, 1, 1);
  const chunks: Float32Array[] = [];
  tap.onaudioprocess = (e) => chunks.push(new Float32Array(e.inputBuffer.getChannelData(0)));
  source.connect(tap);
  tap.connect(context.destination);
  return {
    async stop() {
      tap.disconnect();
      source.disconnect();
      for (const track of stream.getTracks()) track.stop();
      const rate = context.sampleRate;
      await context.close();
      const all = new Float32Array(Math.min(chunks.reduce((n, c) => n + c.length, 0), rate * MAX_S));
      let at = 0;
      for (const c of chunks) {
        if (at >= all.length) break;
        all.set(c.subarray(0, all.length - at), at);
        at += c.length;
      }
      return wavFrom(all, rate);
    },
  };
}

/** Record, then stop: `onRecorded` gets the WAV. */
export function MicRecorder({ busy, onRecorded, onError }: { busy: boolean; onRecorded: (wav: Blob) => void; onError: (err: unknown) => void }) {
  const take = useRef<Take | null>(null);
  const [seconds, setSeconds] = useState<number | null>(null);
  const stop = async () => {
    const current = take.current;
    take.current = null;
    setSeconds(null);
    if (current) onRecorded(await current.stop());
  };
  useEffect(() => {
    if (seconds === null) return;
    if (seconds >= MAX_S) {
      void stop();
      return;
    }
    const timer = setTimeout(() => setSeconds((s) => (s === null ? null : s + 1)), 1000);
    return () => clearTimeout(timer);
  }, [seconds]);
  useEffect(() => () => void take.current?.stop(), []);
  const start = async () => {
    try {
      take.current = await startTake();
      setSeconds(0);
    } catch (err) {
      onError(err);
    }
  };
  return html`<div class="actions mic" data-mic>
    ${seconds === null
      ? html`<button type="button" disabled=${busy} data-action="record" onClick=${start}>${t('greeting.record')}</button>`
      : html`<button type="button" class="primary" data-action="record-stop" onClick=${stop}>${t('greeting.recordStop')}</button>
          <span role="status" data-recording>${t('greeting.recording.now', { seconds, max: MAX_S })}</span>`}
  </div>`;
}
