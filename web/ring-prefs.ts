/**
 * A ring nobody misses, optional part (issue 18): a browser notification and a chime when a call starts ringing,
 * each off until the receptionist turns it on, remembered by this browser (localStorage). The chime is made by
 * the Web Audio API (two short tones): nothing is fetched. A notification needs the browser's permission, asked
 * for when she turns it on.
 */
import { useState } from 'preact/hooks';
import { html } from 'htm/preact';
import { t } from './i18n/i18n.ts';

export type RingPref = 'chime' | 'notify';

const KEY: Record<RingPref, string> = { chime: 'deskphone.ring.chime', notify: 'deskphone.ring.notify' };

export function ringPref(pref: RingPref): boolean {
  try {
    return localStorage.getItem(KEY[pref]) === 'on';
  } catch {
    return false;
  }
}

function setRingPref(pref: RingPref, on: boolean): void {
  try {
    if (on) localStorage.setItem(KEY[pref], 'on');
    else localStorage.removeItem(KEY[pref]);
  } catch {
    // Storage refused (private mode): the choice lasts for this page only.
  }
}

/** Two short tones (880 Hz, then 660 Hz); nothing where the browser has no Web Audio or no sound output. */
export function playChime(): void {
  document.documentElement.dataset.chimed = String(Number(document.documentElement.dataset.chimed ?? 0) + 1);
  const Ctx = (window as { AudioContext?: typeof AudioContext }).AudioContext;
  if (!Ctx) return;
  try {
    const ctx = new Ctx();
    [880, 660].forEach((hz, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = hz;
      gain.gain.value = 0.2;
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + i * 0.25);
      osc.stop(ctx.currentTime + i * 0.25 + 0.2);
    });
    setTimeout(() => void ctx.close(), 1000);
  } catch {
    // No sound device: the title, the icon and the notification still say it rings.
  }
}

/** A notification saying a call rings (who, when the page may say it), if she turned them on and the browser lets it. */
export function notifyRinging(body: string): void {
  if (!ringPref('notify') || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    new Notification(t('ring.title'), { body, tag: 'deskphone-ring', requireInteraction: false });
  } catch {
    // A browser that only notifies from a service worker: the title and the icon still say it rings.
  }
}

/** The two switches, for the page's header. */
export function RingPrefs() {
  const [chime, setChime] = useState(ringPref('chime'));
  const [notify, setNotify] = useState(ringPref('notify'));
  const [blocked, setBlocked] = useState(false);
  const toggleChime = (e: Event) => {
    const on = (e.target as HTMLInputElement).checked;
    setRingPref('chime', on);
    setChime(on);
    if (on) playChime();
  };
  const toggleNotify = async (e: Event) => {
    let on = (e.target as HTMLInputElement).checked;
    if (on && typeof Notification !== 'undefined' && Notification.permission !== 'granted') {
      on = (await Notification.requestPermission()) === 'granted';
    }
    if ((e.target as HTMLInputElement).checked && !on) setBlocked(true);
    setRingPref('notify', on);
    setNotify(on);
  };
  return html`<fieldset class="ring-prefs">
    <legend class="sr-only">${t('ring.prefs')}</legend>
    <label><input type="checkbox" checked=${chime} onChange=${toggleChime} data-ring-pref="chime" /> ${t('ring.chime')}</label>
    <label><input type="checkbox" checked=${notify} onChange=${toggleNotify} data-ring-pref="notify" /> ${t('ring.notify')}</label>
    ${blocked ? html`<span class="hint" role="status">${t('ring.notifyBlocked')}</span>` : null}
  </fieldset>`;
}
