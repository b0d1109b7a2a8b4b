import { useCallback, useEffect, useRef, useState } from 'react';

/** How often pages re-read the cluster: the portal shows changes without a reload. */
export const POLL_INTERVAL_MS = 3000;

export interface Polled<T> {
  value?: T;
  error?: Error;
  loading: boolean;
  reload(): void;
}

/**
 * Loads `load()` now and every `intervalMs` while mounted. A failed poll keeps the last value and reports the error; a
 * successful one clears it. Polls never overlap.
 */
export function usePolling<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
  intervalMs = POLL_INTERVAL_MS,
): Polled<T> {
  const [state, setState] = useState<{ value?: T; error?: Error; loading: boolean }>({ loading: true });
  const loadRef = useRef(load);
  loadRef.current = load;
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const value = await loadRef.current();
        if (!cancelled) setState({ value, loading: false });
      } catch (error) {
        if (!cancelled) setState((s) => ({ value: s.value, error: error as Error, loading: false }));
      }
      if (!cancelled) timer = setTimeout(run, intervalMs);
    };
    run();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [...deps, tick, intervalMs]);

  return { ...state, reload };
}
