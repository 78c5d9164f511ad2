/**
 * Nothing typed is lost (issue 18): a form is pinned to the call it was started for. While it holds unsaved text
 * a newer call never replaces its call or its text (the form offers the newer call, and asks before switching);
 * the text is kept in localStorage, keyed by form and call, so it survives a reload; and leaving the page with
 * unsaved text asks first (beforeunload).
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/i18n.ts';
import type { CallRecord } from './use-desk.ts';

const PREFIX = 'deskphone.draft';

export interface Draft<T> {
  /** The call the form is for (null: no call yet). */
  call: CallRecord | null;
  fields: T;
  set(change: Partial<T>): void;
  /** Unsaved text in the form. */
  dirty: boolean;
  /** A newer call the form could move to (shown while the form keeps its own call). */
  newer: CallRecord | null;
  /** Moves to the newer call; asks first when unsaved text would be replaced. */
  switchToNewer(): void;
  /** After a save: the draft is gone, the form starts afresh on the latest call. */
  saved(): void;
}

const keyOf = (form: string, call: CallRecord | null) => `${PREFIX}.${form}:${call?.id ?? 'none'}`;
const pinKey = (form: string) => `${PREFIX}.${form}.call`;

function read<T>(key: string): T | null {
  try {
    const text = localStorage.getItem(key);
    return text === null ? null : (JSON.parse(text) as T);
  } catch {
    return null;
  }
}

/** The draft of `form` kept from an earlier page, if any: its call and its fields. */
function restore<T>(form: string): { call: CallRecord | null; fields: T } | null {
  const pinned = read<{ call: CallRecord | null }>(pinKey(form));
  if (!pinned) return null;
  const fields = read<T>(keyOf(form, pinned.call));
  return fields === null ? null : { call: pinned.call, fields };
}

let dirtyForms = 0;
function onBeforeUnload(e: BeforeUnloadEvent): void {
  e.preventDefault();
  e.returnValue = '';
}

/**
 * `initial(call)`: the form's fields for a call with nothing typed; `isDirty(fields, call)`: whether they hold
 * text not yet saved.
 */
export function useDraft<T>(form: string, latest: CallRecord | null, initial: (call: CallRecord | null) => T, isDirty: (fields: T, call: CallRecord | null) => boolean): Draft<T> {
  const [state, setState] = useState(() => restore<T>(form) ?? { call: latest, fields: initial(latest) });
  const dirty = isDirty(state.fields, state.call);

  // A newer (or refreshed) last call: followed only while nothing unsaved is in the form. Decided on the form as it
  // is when the change applies (an effect runs after the paint: text typed meanwhile must not be replaced).
  useEffect(() => {
    setState((s) => (latest === s.call || isDirty(s.fields, s.call) ? s : { call: latest, fields: initial(latest) }));
  }, [latest]);

  // Kept for a reload while unsaved; forgotten once saved or emptied.
  useEffect(() => {
    if (dirty) {
      localStorage.setItem(pinKey(form), JSON.stringify({ call: state.call }));
      localStorage.setItem(keyOf(form, state.call), JSON.stringify(state.fields));
    } else {
      localStorage.removeItem(keyOf(form, state.call));
      if (read<{ call: CallRecord | null }>(pinKey(form))?.call?.id === state.call?.id) localStorage.removeItem(pinKey(form));
    }
  }, [state, dirty]);

  useEffect(() => {
    if (!dirty) return;
    if (dirtyForms++ === 0) addEventListener('beforeunload', onBeforeUnload);
    return () => {
      if (--dirtyForms === 0) removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [dirty]);

  const newer = latest && latest.id !== state.call?.id ? latest : null;
  return {
    call: state.call,
    fields: state.fields,
    dirty,
    newer,
    set: (change) => setState((s) => ({ ...s, fields: { ...s.fields, ...change } })),
    switchToNewer: () => {
      if (dirty && !confirm(t('draft.replace'))) return;
      localStorage.removeItem(keyOf(form, state.call));
      localStorage.removeItem(pinKey(form));
      setState({ call: latest, fields: initial(latest) });
    },
    saved: () => {
      localStorage.removeItem(keyOf(form, state.call));
      localStorage.removeItem(pinKey(form));
      setState({ call: latest, fields: initial(latest) });
    },
  };
}
