/**
 * Greetings from the page (issue 20 item 5), in the Today view: what serves each band now (hear it), and a new one
 * made by uploading a WAV, recording one with the microphone (./mic-recorder.ts) or typing a text the unit speaks (espeak-ng); hear the draft, then set the band it serves.
 * Setting one is audited and can be undone by the installer or IT (前台变更 Desk changes).
 * Audio routes need the token, which an <audio src> cannot send: the page fetches the file into a blob: URL.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, authHeaders } from '../api.ts';
import { t, tMaybe } from '../i18n/i18n.ts';
import type { Session } from '../session.ts';
import { ErrorLine, invalidProps } from './error-text.ts';
import { useAction } from './use-action.ts';
import { useLoad } from './use-load.ts';
import { MicRecorder } from './mic-recorder.ts';
import { useLiveReload } from './use-live-reload.ts';

interface PageSlot {
  slot: string;
  file: { source: string; from: string | null; text: string | null; durationMs: number; createdAt: string } | null;
  builtin: boolean;
}
interface Listing {
  now: { band: string; holiday: string | null; slot: string | null };
  slots: PageSlot[];
}
interface Draft {
  id: string;
  durationMs: number;
}

/** A route's bytes with the token (JSON errors as ApiError), as a blob. */
async function send(method: string, path: string, body?: Blob): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, { method, headers: { ...authHeaders(), ...(body ? { 'content-type': 'audio/wav' } : {}) }, ...(body ? { body } : {}) });
  } catch (err) {
    throw new ApiError(0, 'E_NETWORK', null, String(err));
  }
  if (!res.ok) {
    const e = ((await res.json().catch(() => ({}))) as { error?: { code?: string; field?: string; message?: string } }).error ?? {};
    throw new ApiError(res.status, e.code ?? `HTTP_${res.status}`, e.field ?? null, e.message ?? res.statusText);
  }
  return res;
}

const slotName = (slot: string) => tMaybe(`greeting.slot.${slot}`) ?? slot;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}`;

/** A play button that fetches the audio once, then a player. */
function Listen({ path, label, id }: { path: string; label: string; id: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const action = useAction();
  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);
  useEffect(() => setUrl(null), [path]);
  const load = () => action.run(async () => setUrl(URL.createObjectURL(await (await send('GET', path)).blob())));
  return html`<span class="listen">
    ${url
      ? html`<audio controls autoplay src=${url} aria-label=${label} data-audio=${id}></audio>`
      : html`<button type="button" disabled=${action.busy} aria-busy=${action.busy ? 'true' : undefined} data-listen=${id} onClick=${load}>${t('greeting.listen')}<span class="sr-only"> ${label}</span></button>`}
    <${ErrorLine} error=${action.error} />
  </span>`;
}

export function GreetingsSection({ session }: { session: Session }) {
  const { data, error, reload } = useLoad(() => api<Listing>('GET', '/api/v1/greetings'), []);
  // A greeting set elsewhere or undone by the installer, or today's mode changed (what plays now).
  useLiveReload(reload, ['desk']);
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [slot, setSlot] = useState('morning');
  const make = useAction();
  const setAction = useAction();
  const [saved, setSaved] = useState<string | null>(null);
  const write = session.may.runDesk;
  const speak = async (e: Event) => {
    e.preventDefault();
    setSaved(null);
    await make.run(async () => setDraft(await api<Draft>('POST', '/api/v1/greetings/drafts', { text })));
  };
  const upload = async (e: Event) => {
    e.preventDefault();
    setSaved(null);
    if (!file) return;
    await make.run(async () => setDraft((await (await send('POST', '/api/v1/greetings/drafts', file)).json()) as Draft));
  };
  const recorded = async (wav: Blob) => {
    setSaved(null);
    await make.run(async () => setDraft((await (await send('POST', '/api/v1/greetings/drafts', wav)).json()) as Draft));
  };
  // No microphone, or the browser refused it: said in words, with the other ways to make a greeting.
  const micFailed = (err: unknown) => void make.run(() => Promise.reject(new ApiError(0, 'E_MICROPHONE', null, String(err))));
  const use = async () => {
    if (!draft) return;
    if (await setAction.run(() => api('PUT', `/api/v1/greetings/${slot}`, { draftId: draft.id }))) {
      setSaved(slot);
      setDraft(null);
      setText('');
      reload();
    }
  };
  return html`<section class="greetings" aria-labelledby="greetings-title" data-greetings>
    <h3 id="greetings-title">${t('greeting.title')}</h3>
    <p class="hint">${t('greeting.hint')}</p>
    <${ErrorLine} error=${error} />
    ${data ? html`<p data-greeting-now=${data.now.slot ?? ''}>${t('greeting.now', { slot: slotName(data.now.band) })}</p>` : null}
    <ul class="greeting-slots">
      ${(data?.slots ?? []).map(
        (s) => html`<li data-greeting-slot=${s.slot}>
          <strong>${slotName(s.slot)}</strong>
          <span data-greeting-file>${s.file
            ? s.file.source === 'say' && s.file.text
              ? html`${t('greeting.spoken')} <span data-user-text>“${s.file.text}”</span>`
              : t('greeting.recording', { seconds: seconds(s.file.durationMs) })
            : s.builtin
              ? t('greeting.builtin')
              : t('greeting.none')}</span>
          ${s.file || s.builtin ? html`<${Listen} path=${`/api/v1/greetings/${s.slot}/audio`} label=${slotName(s.slot)} id=${`slot-${s.slot}-${s.file?.createdAt ?? 'builtin'}`} />` : null}
        </li>`,
      )}
    </ul>
    ${write
      ? html`<h4 id="greeting-new-title">${t('greeting.new')}</h4>
          <form class="form" data-greeting-text onSubmit=${speak} aria-labelledby="greeting-new-title">
            <div class="field wide">
              <label for="greeting-text">${t('greeting.text')}</label>
              <textarea id="greeting-text" rows="2" maxlength="500" required value=${text} onInput=${(e: Event) => setText((e.target as HTMLTextAreaElement).value)}
                ...${invalidProps(make.error, 'text', 'greeting-make-error')}></textarea>
            </div>
            <button type="submit" disabled=${make.busy} aria-busy=${make.busy ? 'true' : undefined}>${t('greeting.speak')}</button>
          </form>
          <form class="form inline" data-greeting-upload onSubmit=${upload} aria-labelledby="greeting-new-title">
            <div class="field">
              <label for="greeting-file">${t('greeting.file')}</label>
              <input id="greeting-file" type="file" accept=".wav,audio/wav" required ...${invalidProps(make.error, 'file', 'greeting-make-error')} onChange=${(e: Event) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)} />
            </div>
            <button type="submit" disabled=${make.busy || !file}>${t('greeting.upload')}</button>
          </form>
          <${MicRecorder} busy=${make.busy} onRecorded=${recorded} onError=${micFailed} />
          <${ErrorLine} error=${make.error} id="greeting-make-error" />
          ${draft
            ? html`<div class="draft" data-greeting-draft=${draft.id} role="group" aria-labelledby="greeting-draft-title">
                <p id="greeting-draft-title">${t('greeting.draft', { seconds: seconds(draft.durationMs) })}</p>
                <${Listen} path=${`/api/v1/greetings/drafts/${draft.id}/audio`} label=${t('greeting.draftLabel')} id=${`draft-${draft.id}`} />
                <div class="form inline">
                  <div class="field">
                    <label for="greeting-slot">${t('greeting.forSlot')}</label>
                    <select id="greeting-slot" value=${slot} onChange=${(e: Event) => setSlot((e.target as HTMLSelectElement).value)}>
                      ${(data?.slots ?? []).map((s) => html`<option value=${s.slot}>${slotName(s.slot)}</option>`)}
                    </select>
                  </div>
                  <button type="button" class="primary" disabled=${setAction.busy} aria-busy=${setAction.busy ? 'true' : undefined} onClick=${use}>${t('greeting.use')}</button>
                </div>
              </div>`
            : null}
          <${ErrorLine} error=${setAction.error} />
          ${saved ? html`<p class="ok" role="status" data-greeting-saved=${saved}>${t('greeting.saved', { slot: slotName(saved) })}</p>` : null}`
      : null}
  </section>`;
}
