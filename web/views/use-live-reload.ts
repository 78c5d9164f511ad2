/**
 * Lists that update by themselves (issue 18): a view's `reload` runs when the live stream says something it
 * lists may have changed (a call recorded, a slip taken or delivered, a call-back done or due), coalesced over
 * 300 ms, and when the stream comes back after an outage. Keyed items keep what is typed in them.
 */
import { useEffect } from 'preact/hooks';
import { openLive } from '../live.ts';

export function useLiveReload(reload: () => void, types: readonly string[]): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(reload, 300);
    };
    const live = openLive(
      (type) => {
        if (types.includes(type)) soon();
      },
      (up) => {
        if (up) soon();
      },
    );
    return () => {
      clearTimeout(timer);
      live.close();
    };
  }, [reload]);
}
