// One event stream from the relay (GET /api/v1/live) shared by every view: a view subscribes to the
// kinds it shows. The stream reconnects by itself after a drop (the browser retries); when the relay
// refuses it (signed out, too many streams, an older relay without it), the page tries again later
// and says so in the header, so a person knows the list may be behind.
import { API } from "./api";
import type { LiveEvents } from "./types";

type Kind = keyof LiveEvents;
type Handler<K extends Kind> = (data: LiveEvents[K]) => void;

const handlers: { [K in Kind]: Set<Handler<K>> } = { press: new Set(), status: new Set(), run: new Set(), bin: new Set(), bttns: new Set() };
const stateListeners = new Set<(connected: boolean) => void>();
const RETRY_MS = 5000;

let source: EventSource | undefined;
let retry: ReturnType<typeof setTimeout> | undefined;
let connected = false;

function setConnected(c: boolean) {
  if (c === connected) return;
  connected = c;
  for (const l of stateListeners) l(c);
}

function open() {
  if (source || retry) return;
  const s = new EventSource(API + "/live");
  source = s;
  s.onopen = () => setConnected(true);
  s.onerror = () => {
    setConnected(false);
    if (s.readyState !== EventSource.CLOSED) return; // the browser retries this one itself
    source = undefined;
    retry = setTimeout(() => {
      retry = undefined;
      open();
    }, RETRY_MS);
  };
  for (const kind of Object.keys(handlers) as Kind[]) {
    s.addEventListener(kind, (ev) => {
      let data: unknown;
      try {
        data = JSON.parse((ev as MessageEvent<string>).data);
      } catch {
        return;
      }
      for (const h of handlers[kind] as Set<(d: unknown) => void>) h(data);
    });
  }
}

/** Starts the stream (after sign-in). */
export function startLive(): void {
  open();
}

/** Ends it (sign out). */
export function stopLive(): void {
  source?.close();
  source = undefined;
  if (retry) clearTimeout(retry);
  retry = undefined;
  setConnected(false);
}

export function onLive<K extends Kind>(kind: K, h: Handler<K>): () => void {
  handlers[kind].add(h);
  return () => handlers[kind].delete(h);
}

export function onLiveState(l: (connected: boolean) => void): () => void {
  stateListeners.add(l);
  return () => stateListeners.delete(l);
}

export const liveConnected = () => connected;
