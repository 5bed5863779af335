import { useEffect, useRef, useState } from "react";
import { fetchReadiness, type ReadinessResult } from "../api/health.ts";

export type ReadinessFetcher = (options: { signal: AbortSignal }) => Promise<ReadinessResult>;

export const DEFAULT_POLL_INTERVAL_MS = 10_000;

export interface ReadinessState {
  /** `null` until the first answer arrives. */
  readonly result: ReadinessResult | null;
  readonly checkedAt: Date | null;
}

const defaultFetcher: ReadinessFetcher = ({ signal }) => fetchReadiness({ signal });

/**
 * Poll the readiness endpoint: once on mount, then `intervalMs` after each
 * answer (requests never overlap). Polling pauses while the tab is hidden and
 * resumes with an immediate check when it becomes visible again.
 */
export function useReadiness({
  fetcher = defaultFetcher,
  intervalMs = DEFAULT_POLL_INTERVAL_MS,
}: { fetcher?: ReadinessFetcher; intervalMs?: number } = {}): ReadinessState {
  const [state, setState] = useState<ReadinessState>({ result: null, checkedAt: null });
  // Read through a ref so a new function identity on each render doesn't restart polling.
  const fetcherRef = useRef(fetcher);
  useEffect(() => {
    fetcherRef.current = fetcher;
  }, [fetcher]);

  useEffect(() => {
    let disposed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let controller: AbortController | undefined;
    let pausedWhileHidden = false;

    const poll = async () => {
      controller = new AbortController();
      let result: ReadinessResult;
      try {
        result = await fetcherRef.current({ signal: controller.signal });
      } catch (error) {
        if (disposed) return;
        const reason = error instanceof Error ? error.message : String(error);
        result = { kind: "unreachable", reason };
      }
      if (disposed) return;
      setState({ result, checkedAt: new Date() });
      timer = setTimeout(tick, intervalMs);
    };

    const tick = () => {
      if (document.visibilityState === "hidden") {
        pausedWhileHidden = true;
        return;
      }
      void poll();
    };

    const onVisibilityChange = () => {
      if (pausedWhileHidden && document.visibilityState === "visible") {
        pausedWhileHidden = false;
        void poll();
      }
    };

    document.addEventListener("visibilitychange", onVisibilityChange);
    void poll();

    return () => {
      disposed = true;
      clearTimeout(timer);
      controller?.abort();
      document.removeEventListener("visibilitychange", onVisibilityChange);
    };
  }, [intervalMs]);

  return state;
}
