// A client for the relay's REST API over real HTTP, recording every answer so a test can check
// where a secret showed up; plus the first-start admin token, read from the log the rig captures.
import { ADMIN_TOKEN_LINE } from "../../relay/src/api/admin-token";

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or undefined when there is none. */
  body: any;
  method: string;
  path: string;
}

export interface CallOptions {
  /** Sent as X-Api-Key. */
  key?: string;
  /** Sent as Authorization: Bearer. */
  bearer?: string;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is. */
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface ApiClient {
  base(): string;
  answers: Answer[];
  call(method: string, path: string, o?: CallOptions): Promise<Answer>;
}

/** `httpPort` is asked at each call: a restarted relay listens on a new port. */
export function apiClient(httpPort: () => number): ApiClient {
  const base = () => `http://127.0.0.1:${httpPort()}/api/v1`;
  const answers: Answer[] = [];
  return {
    base,
    answers,
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (o.key !== undefined) headers["x-api-key"] = o.key;
      if (o.bearer !== undefined) headers.authorization = "Bearer " + o.bearer;
      let body: string | Uint8Array | undefined = o.raw;
      if (o.json !== undefined) {
        body = JSON.stringify(o.json);
        headers["content-type"] ??= "application/json";
      }
      const res = await fetch(base() + path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      const a: Answer = { status: res.status, headers: res.headers, text, body: parsed, method, path };
      answers.push(a);
      return a;
    },
  };
}

/** The token the relay logged at its first start (throws when there is not exactly one such line). */
export function firstStartToken(logs: string[]): string {
  const lines = logs.filter((l) => l.includes(ADMIN_TOKEN_LINE));
  if (lines.length !== 1) throw new Error("expected one admin token line in the log, found " + lines.length);
  const m = /(bttn_[0-9a-f]{16}_[A-Za-z0-9_-]{32})/.exec(lines[0]);
  if (!m) throw new Error("no token in the admin token line: " + lines[0]);
  return m[1];
}

/** Polls an async `check` until it gives a truthy value or `ms` pass. */
export async function eventually<T>(check: () => Promise<T | undefined | false | null>, ms = 3000, what = "condition"): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error("timed out waiting for " + what);
    await new Promise((r) => setTimeout(r, 20));
  }
}
