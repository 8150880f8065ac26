// Reads the console's live stream (GET /api/v1/live, server-sent events) in a test.
import * as assert from "uvu/assert";

export interface LiveEvent {
  event: string;
  data: any;
}

/** An open stream: its events as they come, parsed. */
export interface Live {
  events: LiveEvent[];
  comments: string[];
  /** Resolves with the first event (already here or to come) that `match` accepts. */
  next(match: (e: LiveEvent) => boolean, ms?: number): Promise<LiveEvent>;
  ended: Promise<void>;
  close(): void;
}

export async function openLive(url: string, headers: Record<string, string>): Promise<Live> {
  const ac = new AbortController();
  const res = await fetch(url, { headers, signal: ac.signal });
  assert.is(res.status, 200, "live stream opens");
  assert.match(res.headers.get("content-type")!, /^text\/event-stream/);
  const events: LiveEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const reader = res.body!.getReader();
  const ended = (async () => {
    let buf = "";
    const dec = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buf += dec.decode(value, { stream: true });
        for (let i = buf.indexOf("\n\n"); i >= 0; i = buf.indexOf("\n\n")) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let event = "message";
          let data = "";
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) comments.push(line.slice(1).trim());
            else if (line.startsWith("event: ")) event = line.slice(7);
            else if (line.startsWith("data: ")) data += line.slice(6);
          }
          if (data) events.push({ event, data: JSON.parse(data) });
          for (const w of [...waiters]) w();
        }
      }
    } catch {
      // aborted by the test
    }
  })();
  return {
    events,
    comments,
    ended,
    close: () => ac.abort(),
    next(match, ms = 3000) {
      return new Promise((res, rej) => {
        const check = () => {
          const e = events.find(match);
          if (!e) return false;
          waiters.delete(check);
          clearTimeout(timer);
          res(e);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          rej(new Error("no such live event within " + ms + " ms; got " + JSON.stringify(events.map((e) => e.event + ":" + (e.data.state ?? "")))));
        }, ms);
        if (!check()) waiters.add(check);
      });
    },
  };
}
