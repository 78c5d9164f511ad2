/**
 * R13 → R9: "take a message for the colleague" after a failed transfer fills the slip's "to" with the colleague
 * and brings the slip up with the focus on its content. The name waits in sessionStorage when the slip is not on
 * screen yet (asked from the directory tab), and an event tells a slip that is.
 */
const KEY = 'deskphone.slipTo';
const EVENT = 'deskphone:slip-prefill';

export function prefillSlip(to: string): void {
  sessionStorage.setItem(KEY, to);
  if (!/^#\/?(desk)?$/.test(location.hash)) location.hash = '#/desk';
  window.dispatchEvent(new Event(EVENT));
}

/** The name asked for and not yet taken (taken once), or null. */
export function takeSlipPrefill(): string | null {
  const to = sessionStorage.getItem(KEY);
  if (to !== null) sessionStorage.removeItem(KEY);
  return to;
}

/** Calls `apply` with a name asked for now or before the slip was on screen; returns the unsubscribe. */
export function onSlipPrefill(apply: (to: string) => void): () => void {
  const take = () => {
    const to = takeSlipPrefill();
    if (to !== null) apply(to);
  };
  take();
  window.addEventListener(EVENT, take);
  return () => window.removeEventListener(EVENT, take);
}
