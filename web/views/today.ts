/**
 * Today's desk (issue 20 item 5), run by the receptionist with no installer: today's mode (open / lunch / closed:
 * what a caller the unit answers hears; back to open tomorrow) and holidays (a date: the holiday greeting serves
 * that day), and greetings (./greetings.ts). Colleagues away are set in the directory. Every change is audited; the installer and IT can undo it.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { t, type MessageKey } from '../i18n/i18n.ts';
import type { Session } from '../session.ts';
import { ErrorLine, invalidProps } from './error-text.ts';
import { useAction } from './use-action.ts';
import { useLoad } from './use-load.ts';
import { GreetingsSection } from './greetings.ts';
import { useLiveReload } from './use-live-reload.ts';

export type DeskMode = 'open' | 'lunch' | 'closed';
const MODES: DeskMode[] = ['open', 'lunch', 'closed'];

export interface DeskState {
  mode: DeskMode;
  holidayToday: { date: string; name: string } | null;
  holidays: { date: string; name: string }[];
  away: { name: string; until: string; untilDate: string; untilTime: string }[];
}

const HOLIDAY_ERROR = 'holiday-error';

export function TodayView({ session }: { session: Session }) {
  const { data, error, reload } = useLoad(() => api<DeskState>('GET', '/api/v1/desk'), []);
  // Changed at another desk PC, or undone by the installer: read again.
  useLiveReload(reload, ['desk']);
  const modeAction = useAction();
  const holidayAction = useAction();
  const [date, setDate] = useState('');
  const [name, setName] = useState('');
  // The choice shows at once; the unit's answer confirms it (or the error says why and the old mode shows again).
  const [pending, setPending] = useState<DeskMode | null>(null);
  const write = session.may.runDesk;
  const setMode = async (mode: DeskMode) => {
    setPending(mode);
    if (await modeAction.run(() => api('PUT', '/api/v1/desk/mode', { mode }))) reload();
    else setPending(null);
  };
  // Until the list read again shows it, the choice made stays checked.
  useEffect(() => {
    if (data && data.mode === pending) setPending(null);
  }, [data, pending]);
  const addHoliday = async (e: Event) => {
    e.preventDefault();
    if (await holidayAction.run(() => api('POST', '/api/v1/desk/holidays', { date, ...(name.trim() ? { name } : {}) }))) {
      setDate('');
      setName('');
      reload();
    }
  };
  const removeHoliday = (d: string) => async () => {
    if (await holidayAction.run(() => api('DELETE', `/api/v1/desk/holidays/${d}`))) reload();
  };
  const mode = data?.mode ?? null;
  return html`<section class="card" aria-labelledby="today-title" data-view="today">
    <h2 id="today-title">${t('today.title')}</h2>
    <p class="hint">${t('today.hint')}</p>
    <${ErrorLine} error=${error} />
    ${mode ? html`<p class="ok" role="status" data-mode-now=${mode}>${t('today.modeNow', { mode: t(`mode.${mode}` as MessageKey) })}</p>` : null}
    <fieldset class="radios modes" data-desk-mode disabled=${!write || modeAction.busy}>
      <legend>${t('today.mode')}</legend>
      ${MODES.map(
        (m) => html`<label class="field check">
          <input type="radio" name="desk-mode" value=${m} checked=${(pending ?? mode) === m} onChange=${() => void setMode(m)} aria-describedby=${`mode-${m}-hint`} />
          ${t(`mode.${m}` as MessageKey)}
        </label>`,
      )}
    </fieldset>
    <ul class="hint mode-hints">
      ${MODES.map((m) => html`<li id=${`mode-${m}-hint`}><strong>${t(`mode.${m}` as MessageKey)}</strong> ${t(`mode.${m}.hint` as MessageKey)}</li>`)}
    </ul>
    <${ErrorLine} error=${modeAction.error} />

    <h3 id="holidays-title">${t('today.holidays')}</h3>
    <p class="hint">${t('today.holidaysHint')}</p>
    ${data && data.holidays.length === 0 ? html`<p data-holidays-empty>${t('today.noHolidays')}</p>` : null}
    <ul class="holidays" aria-labelledby="holidays-title">
      ${(data?.holidays ?? []).map(
        (h) => html`<li data-holiday=${h.date}>
          <span><strong>${h.date}</strong>${h.name ? html` <span class="tag" data-user-text>${h.name}</span>` : null}</span>
          ${write ? html`<button type="button" disabled=${holidayAction.busy} onClick=${removeHoliday(h.date)}>${t('today.removeHoliday')}<span class="sr-only"> ${h.date}</span></button>` : null}
        </li>`,
      )}
    </ul>
    ${write
      ? html`<form class="form inline" data-holiday-form onSubmit=${addHoliday} aria-labelledby="holidays-title">
          <div class="field">
            <label for="holiday-date">${t('today.holidayDate')}</label>
            <input id="holiday-date" type="date" required value=${date} onInput=${(e: Event) => setDate((e.target as HTMLInputElement).value)} ...${invalidProps(holidayAction.error, 'date', HOLIDAY_ERROR)} />
          </div>
          <div class="field">
            <label for="holiday-name">${t('today.holidayName')}</label>
            <input id="holiday-name" type="text" maxlength="40" value=${name} onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} />
          </div>
          <button type="submit" class="primary" disabled=${holidayAction.busy} aria-busy=${holidayAction.busy ? 'true' : undefined}>${t('today.addHoliday')}</button>
        </form>`
      : null}
    <${ErrorLine} error=${holidayAction.error} id=${HOLIDAY_ERROR} />
    <${GreetingsSection} session=${session} />
  </section>`;
}
