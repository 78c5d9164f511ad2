/**
 * The directory of colleagues with a transfer button for the call in progress (R13). Issue 20 item 5: the
 * receptionist sets a colleague away until a time ("王经理 外出至 15:00"; back by itself then); a transfer to an
 * away colleague first asks whether to take a message instead (the slip, prefilled) or transfer anyway.
 */
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { t } from '../i18n/i18n.ts';
import { openLive } from '../live.ts';
import type { Session } from '../session.ts';
import { ErrorLine, invalidProps } from './error-text.ts';
import { TransferStatus } from './transfer-status.ts';
import { useAction } from './use-action.ts';
import { useDesk } from './use-desk.ts';
import { useLoad } from './use-load.ts';
import { prefillSlip } from './slip-prefill.ts';

interface Away {
  until: string;
  untilDate: string;
  untilTime: string;
}

interface Colleague {
  name: string;
  department?: string;
  uri: string;
  away?: Away | null;
}

/** Away now (the list may be older than the time they are back). */
const awayNow = (c: Colleague): Away | null => (c.away && Date.parse(c.away.until) > Date.now() ? c.away : null);

/** "15:00", or "2026-12-08 15:00" when they are back on another day (the unit's day, in its time zone). */
function backAt(a: Away, timeZone: string | null): string {
  const today = new Date().toLocaleDateString('sv-SE', timeZone ? { timeZone } : {});
  return a.untilDate === today ? a.untilTime : `${a.untilDate} ${a.untilTime}`;
}

/** R13: "王经理 外出至 15:00，改为留言？" with take a message (the slip, prefilled) or transfer anyway. */
function AwayOffer({ colleague, away, timeZone, busy, onMessage, onAnyway, onCancel }: { colleague: string; away: Away; timeZone: string | null; busy: boolean; onMessage: () => void; onAnyway: () => void; onCancel: () => void }) {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), [colleague]);
  return html`<div class="offer" role="group" aria-labelledby="away-offer-text" data-away-offer=${colleague}>
    <p id="away-offer-text" role="status"><span data-user-text>${colleague}</span> ${t('away.offer', { time: backAt(away, timeZone) })}</p>
    <div class="actions">
      <button type="button" class="primary" ref=${first} data-action="away-message" onClick=${onMessage}>${t('away.takeMessage')}</button>
      <button type="button" data-action="away-anyway" disabled=${busy} onClick=${onAnyway}>${t('away.transferAnyway')}</button>
      <button type="button" onClick=${onCancel}>${t('away.cancel')}</button>
    </div>
  </div>`;
}

/** Set a colleague away until a time today, or back now. */
function AwayControl({ c, onChanged }: { c: Colleague; onChanged: () => void }) {
  const [open, setOpen] = useState(false);
  const [until, setUntil] = useState('');
  const action = useAction();
  const id = `away-${c.uri.replace(/[^a-z0-9]/gi, '-')}`;
  const set = async (value: string | null) => {
    if (await action.run(() => api('POST', '/api/v1/desk/away', { name: c.name, until: value }))) {
      setOpen(false);
      setUntil('');
      onChanged();
    }
  };
  if (awayNow(c))
    return html`<button type="button" disabled=${action.busy} data-action="away-back" onClick=${() => void set(null)}>${t('away.back')}<span class="sr-only" data-user-text> ${c.name}</span></button>
      <${ErrorLine} error=${action.error} />`;
  if (!open) return html`<button type="button" data-action="away-set" aria-expanded="false" onClick=${() => setOpen(true)}>${t('away.set')}<span class="sr-only" data-user-text> ${c.name}</span></button>`;
  return html`<form class="form inline away-form" data-away-form=${c.name} onSubmit=${(e: Event) => (e.preventDefault(), void set(until))}>
    <div class="field">
      <label for=${id}>${t('away.until')}<span class="sr-only" data-user-text> ${c.name}</span></label>
      <input id=${id} type="time" required value=${until} onInput=${(e: Event) => setUntil((e.target as HTMLInputElement).value)} ...${invalidProps(action.error, 'until', `${id}-error`)} />
    </div>
    <button type="submit" class="primary" disabled=${action.busy} aria-busy=${action.busy ? 'true' : undefined}>${t('away.save')}</button>
    <button type="button" onClick=${() => setOpen(false)}>${t('away.cancel')}</button>
    <${ErrorLine} error=${action.error} id=${`${id}-error`} />
  </form>`;
}

export function DirectoryView({ session }: { session: Session }) {
  const { data, error, reload } = useLoad(() => api<{ items: Colleague[] }>('GET', '/api/v1/directory'), []);
  // A saved config changes the colleagues at once (issue 18): the list follows the live stream.
  useEffect(() => {
    // Issue 20 item 5: a colleague set away or back at another desk PC too.
    const live = openLive((type) => (type === 'directory' || type === 'desk') && reload(), () => undefined);
    return () => live.close();
  }, [reload]);
  // An absence ends by itself at its time: the list is read again each minute.
  useEffect(() => {
    const timer = setInterval(reload, 60_000);
    return () => clearInterval(timer);
  }, [reload]);
  const [offer, setOffer] = useState<Colleague | null>(null);
  const action = useAction();
  // R13: what the transfer is doing comes from the unit's live state, never from the button pressed last (a
  // "transferring to …" that outlived the transfer); a failed one offers the next steps here too.
  const desk = useDesk(false);
  const call = desk.status?.call ?? null;
  const send = async (c: Colleague, anyway: boolean) => {
    setOffer(null);
    // By name: the caller hears "transferring you to <name>" and the record names the colleague (R13).
    await action.run(async () => {
      try {
        await api('POST', '/api/v1/calls/current/transfer', { to: c.name, ...(anyway ? { anyway: true } : {}) });
      } catch (err) {
        // Set away since the list was read: the unit asks first too.
        if (err instanceof ApiError && err.code === 'E_CONFLICT' && err.field === 'body.to') {
          reload();
          setOffer(c);
          return;
        }
        throw err;
      }
    });
  };
  const transfer = (c: Colleague) => async () => {
    if (awayNow(c)) setOffer(c);
    else await send(c, false);
  };
  const offered = offer && (data?.items.find((c) => c.name === offer.name) ?? offer);
  const offeredAway = offered && (awayNow(offered) ?? offer?.away ?? null);
  return html`<section class="card" aria-labelledby="dir-title">
    <h2 id="dir-title">${t('directory.title')}</h2>
    <p class="hint">${t('directory.hint')}</p>
    <${ErrorLine} error=${error} />
    ${call?.state === 'transferring' && call.transfer ? html`<p class="ok" role="status" data-user-text>${t('directory.transferring', { name: call.transfer.target })}</p>` : null}
    <${TransferStatus} call=${call} since=${desk.status ? desk.now - desk.readAt : 0} session=${session} />
    <${ErrorLine} error=${action.error} />
    ${offered && offeredAway
      ? html`<${AwayOffer} colleague=${offered.name} away=${offeredAway} timeZone=${session.timeZone} busy=${action.busy}
          onMessage=${() => (setOffer(null), prefillSlip(offered.name))} onAnyway=${() => void send(offered, true)} onCancel=${() => setOffer(null)} />`
      : null}
    ${data && data.items.length === 0 ? html`<p>${t('directory.empty')}</p>` : null}
    <ul class="directory">
      ${(data?.items ?? []).map(
        (c) => html`<li data-colleague=${c.name}>
          <span data-user-text><strong>${c.name}</strong>${c.department ? html` <span class="tag">${c.department}</span>` : null}</span>
          ${awayNow(c) ? html`<span class="tag away" data-away>${t('away.tag', { time: backAt(awayNow(c) as Away, session.timeZone) })}</span>` : null}
          ${session.may.runDesk ? html`<${AwayControl} c=${c} onChanged=${reload} />` : null}
          ${session.may.controlCalls ? html`<button type="button" disabled=${action.busy} aria-busy=${action.busy ? 'true' : undefined} onClick=${transfer(c)}>${t('directory.transfer')}<span class="sr-only" data-user-text> ${c.name}</span></button>` : null}
        </li>`,
      )}
    </ul>
  </section>`;
}
