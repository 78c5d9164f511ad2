/**
 * R9 voice messages (issue 20 item 3): plays a slip's audio. The route needs the token, which an <audio src> cannot
 * send: the first press fetches the file into a blob the player then plays (and seeks in); nothing is cached.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { fetchBlob } from '../api.ts';
import { t } from '../i18n/i18n.ts';
import { ErrorLine } from './error-text.ts';

function length(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** `src`: another route's audio (issue 20 item 4: a call's recording), `label` the button's words then. */
export function VoicePlayer({ id, ms, src, label }: { id: string; ms: number; src?: string; label?: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => () => {
    if (url) URL.revokeObjectURL(url);
  }, [url]);
  const load = async () => {
    setBusy(true);
    setError(null);
    try {
      setUrl(URL.createObjectURL(await fetchBlob(src ?? `/api/v1/messages/${encodeURIComponent(id)}/audio`)));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="voice-message">
    ${url
      ? html`<audio controls autoplay src=${url} aria-label=${label ?? t('messages.voice')} data-voice=${id}></audio>`
      : html`<button type="button" disabled=${busy} aria-busy=${busy ? 'true' : undefined} onClick=${load}>${label ? `${label} (${length(ms)})` : t('messages.play', { length: length(ms) })}</button>`}
    <${ErrorLine} error=${error} />
  </div>`;
}
