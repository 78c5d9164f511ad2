/**
 * Keeps the signed-in session current while the page is open (issue 18): the desk rules the timers count against
 * follow a live config change (`rules` on the live stream), so the call card and the lamps agree.
 */
import { useEffect } from 'preact/hooks';
import { openLive } from './live.ts';
import type { Session } from './session.ts';

export function useSessionLive(on: boolean, update: (change: (s: Session) => Session) => void): void {
  useEffect(() => {
    if (!on) return;
    const live = openLive(
      (type, data) => {
        if (type === 'rules') update((s) => ({ ...s, rules: (data as { rules: Session['rules'] }).rules }));
      },
      () => undefined,
    );
    return () => live.close();
  }, [on]);
}
