/** One action a view runs against the API (save, mark done, transfer): its error and whether it went through. */
import { useState } from 'preact/hooks';

export interface Action {
  error: unknown;
  done: boolean;
  /** Runs `work`; resolves to whether it succeeded (the error is kept for the view to show in words). */
  run(work: () => Promise<unknown>): Promise<boolean>;
  reset(): void;
}

export function useAction(): Action {
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  return {
    error,
    done,
    async run(work) {
      try {
        await work();
        setError(null);
        setDone(true);
        return true;
      } catch (err) {
        setError(err);
        setDone(false);
        return false;
      }
    },
    reset: () => setDone(false),
  };
}
