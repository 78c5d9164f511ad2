/**
 * Why the page went back to sign-in (issue 18), told to the app from wherever it is noticed: the live stream
 * says the token was revoked (or is refused), or another tab of this browser signed out (the token is kept in
 * localStorage, shared by the browser's tabs, so a second tab needs no typing and a sign-out reaches them all).
 */
import { saveToken, TOKEN_KEY } from './api.ts';

export type SignedOutReason = 'revoked' | 'signedOut' | 'expired';

const listeners = new Set<(reason: SignedOutReason) => void>();

/** Why the token was last forgotten, for the other tabs of this browser to say the same. */
const WHY_KEY = 'deskphone.signedOutWhy';

/** Forgets this browser's token (every tab), keeping why for the other tabs. */
export function forgetToken(reason: SignedOutReason): void {
  localStorage.setItem(WHY_KEY, reason);
  saveToken(null);
}

export function signedOut(reason: SignedOutReason): void {
  // The stream of a token another tab already forgot (a sign-out there revokes it): say what that tab did.
  const why = localStorage.getItem(TOKEN_KEY) === null ? ((localStorage.getItem(WHY_KEY) as SignedOutReason | null) ?? reason) : reason;
  for (const l of [...listeners]) l(why);
}

/** Calls `listener` when the page should return to sign-in, and `signedIn` when another tab signed in. */
export function onSignInChange(listener: (reason: SignedOutReason) => void, signedIn: () => void): () => void {
  const onStorage = (e: StorageEvent) => {
    if (e.key !== TOKEN_KEY && e.key !== null) return;
    if (e.newValue) signedIn();
    else signedOut((localStorage.getItem(WHY_KEY) as SignedOutReason | null) ?? 'signedOut');
  };
  listeners.add(listener);
  addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    removeEventListener('storage', onStorage);
  };
}
