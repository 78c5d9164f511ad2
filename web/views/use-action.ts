/**
 * One action a view runs against the API (save, mark done, transfer): its error, whether it went through, and
 * whether it is out now (issue 18: buttons show busy and are disabled meanwhile; a second run while one is out
 * is ignored, so a double click or a double Ctrl+Enter acts once).
 */
import { useRef, useState } from 'preact/hooks';

export interface Action {
  error: unknown;
  done: boolean;
  busy: boolean;
  /** Runs `work`; resolves to whether it succeeded (the error is kept for the view to show in words). */
  run(work: () => Promise<unknown>): Promise<boolean>;
  reset(): void;
}

export function useAction(): Action {
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const out = useRef(false);
  return {
    error,
    done,
    busy,
    async run(work) {
      if (out.current) return false;
      out.current = true;
      setBusy(true);
      try {
        await work();
        setError(null);
        setDone(true);
        return true;
      } catch (err) {
        setError(err);
        setDone(false);
        return false;
      } finally {
        out.current = false;
        setBusy(false);
      }
    },
    reset: () => setDone(false),
  };
}
