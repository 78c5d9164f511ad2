/** Load something from the API for a view, with its error, and reload on demand (after a change). */
import { useCallback, useEffect, useState } from 'preact/hooks';

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; error: unknown; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(() => {
    load().then(
      (d) => (setData(d), setError(null)),
      (err: unknown) => setError(err),
    );
  }, deps);
  useEffect(reload, [reload]);
  return { data, error, reload };
}
