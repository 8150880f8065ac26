// Loading something from the API for a view: its value, the error if it failed, and a reload that
// live events call. A reload keeps the old value on screen until the new one is there.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { messageOf } from "./api";

export interface Loaded<T> {
  value?: T;
  error?: string;
  loading: boolean;
  reload(): void;
}

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ value?: T; error?: string; loading: boolean }>({ loading: true });
  const seq = useRef(0);
  const run = useCallback(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (value) => mine === seq.current && setState({ value, loading: false }),
      (e) => mine === seq.current && setState((s) => ({ value: s.value, error: messageOf(e), loading: false })),
    );
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run };
}
