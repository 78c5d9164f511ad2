/**
 * A ring nobody misses (issue 18): while a call rings, every open tab of the page — whatever view it shows, in
 * the foreground or not — says so in its title and its icon; both come back when the ringing stops. Each tab
 * follows the unit's live stream itself (the call's state is panel data: every role may see it).
 */
import { useEffect } from 'preact/hooks';
import { api } from './api.ts';
import { t } from './i18n/i18n.ts';
import { openLive } from './live.ts';
import { notifyRinging, playChime, ringPref } from './ring-prefs.ts';

const QUIET_ICON = 'data:,';
/** A red handset-shaped dot: readable at 16 px in a tab strip. */
const RINGING_ICON = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7.5" fill="#c62828"/><circle cx="8" cy="8" r="3.5" fill="#fff"/></svg>')}`;

function icon(): HTMLLinkElement {
  let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!link) {
    link = document.createElement('link');
    link.rel = 'icon';
    document.head.append(link);
  }
  return link;
}

/** Shows (or clears) the ringing state in this tab's title and icon. */
export function showRinging(ringing: boolean): void {
  document.title = ringing ? `${t('ring.title')} · ${t('app.title')}` : t('app.title');
  icon().href = ringing ? RINGING_ICON : QUIET_ICON;
  document.documentElement.dataset.ringing = ringing ? 'yes' : 'no';
}

/**
 * True in one tab of this browser per ring: the tabs ask for one Web Lock without waiting, and the one that gets
 * it keeps it a few seconds (localStorage would not do: each tab sees the others' writes late). A browser with
 * no Web Locks lets every tab chime.
 */
async function claimRing(): Promise<boolean> {
  const locks = (navigator as { locks?: LockManager }).locks;
  if (!locks) return true;
  return new Promise<boolean>((resolve) => {
    void locks.request('deskphone-ring', { ifAvailable: true }, async (lock) => {
      resolve(lock !== null);
      if (lock) await new Promise((r) => setTimeout(r, 3000));
    });
  });
}

/** While `on` (signed in): follows the call's state and shows a ring in the title and the icon. */
export function useRingAlert(on: boolean): void {
  useEffect(() => {
    if (!on) return;
    let ringing = false;
    const alertOnce = async () => {
      const s = await api<{ call: { state: string; callerName?: string | null } | null }>('GET', '/api/v1/status').catch(() => null);
      if (s?.call?.state !== 'ringing' || !(await claimRing())) return;
      notifyRinging(s.call.callerName ?? '');
      if (ringPref('chime')) playChime();
    };
    const set = (state: string | null) => {
      const now = state === 'ringing';
      if (now !== ringing || document.documentElement.dataset.ringing === undefined) showRinging(now);
      // The optional chime and notification (off unless she turned them on): once per ring however many tabs
      // are open (each hears the live stream; one claims the ring), and only for a ring that is on now (the
      // stream replays recent events to a page just opened: an old ring must not chime again).
      if (now && !ringing) void alertOnce();
      ringing = now;
    };
    const read = () => api<{ call: { state: string } | null }>('GET', '/api/v1/status').then((s) => set(s.call?.state ?? null), () => undefined);
    void read();
    const live = openLive(
      (type, data) => {
        if (type === 'call') set((data as { state: string | null }).state);
      },
      (up) => {
        if (up) void read();
      },
    );
    return () => {
      live.close();
      showRinging(false);
    };
  }, [on]);
}
