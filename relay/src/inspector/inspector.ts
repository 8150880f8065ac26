// The request inspector: the last action runs, each with the request as sent and the answer (masked
// when read, see mask.ts), and for an async action the callback that decided it. It listens to the
// relay's news, so the press path does not know it exists. Kept in memory only: nothing is written
// to the SD card for it, and a restart empties it (the feed in the database keeps the history).
import type { Reason } from "@bttn/shared";
import type { HttpRequest, HttpResponse } from "../engine/http";
import type { ActionRan, PressConcluded, RelayNews } from "../news";
import { VIRTUAL_BOOT } from "../press/conclude";
import { maskBody, maskHeaders, maskUrl } from "./mask";

export interface InspectorBounds {
  /** How many runs are kept (the oldest goes first). */
  runs: number;
  /** How much of each request and answer body is kept and shown. */
  bodyBytes: number;
}

export const INSPECTOR_DEFAULTS: InspectorBounds = { runs: 500, bodyBytes: 4096 };

export type RunState = "running" | "waiting" | "ok" | "fail";

/** One run as the inspector shows it: masked. */
export interface InspectedRun {
  id: number;
  bttn: string;
  eventId: number;
  type: string;
  /** Made from the console or the API ("Press"), not by a device. */
  virtual: boolean;
  startedAt: number;
  durationMs: number;
  /** How the press ended (`waiting`: an async action's callback has not come yet). */
  outcome: RunState;
  reason?: Reason;
  error?: string;
  request: { method: string; url: string; headers: Record<string, string | string[]>; body?: MaskedBody; auth?: "basic" | "digest" };
  answer?: { status: number; headers: Record<string, string | string[]>; body: MaskedBody };
  callback?: { outcome: "ok" | "fail"; reason?: Reason; at: number };
}

export interface MaskedBody {
  text: string;
  /** The whole body's size. */
  bytes: number;
  truncated: boolean;
}

export interface RunFilter {
  bttn?: string;
  outcome?: RunState;
  /** Runs started at or after this time (ms since the epoch). */
  since?: number;
  /** Runs with an id below this one (paging back). */
  before?: number;
  limit?: number;
}

interface Kept {
  id: number;
  /** Without its answer: the answer's body is kept apart, cut to the bound. */
  /** As told (its `answer` is not read: `answer` below is the kept part of it). */
  ran: ActionRan;
  answer?: { status: number; headers: HttpResponse["headers"]; body: string; bytes?: number };
  outcome: RunState;
  reason?: Reason;
  callback?: InspectedRun["callback"];
}

export class Inspector {
  private ring: (Kept | undefined)[];
  private next = 0;
  private nextId = 1;
  /** Runs whose press is not concluded yet, by event id. */
  private open = new Map<number, Kept>();
  private listeners = new Set<(run: InspectedRun) => void>();
  private readonly stops: (() => void)[];

  constructor(
    news: RelayNews,
    readonly bounds: InspectorBounds = INSPECTOR_DEFAULTS,
  ) {
    this.ring = new Array(bounds.runs);
    this.stops = [news.on("ran", (r) => this.onRan(r)), news.on("concluded", (c) => this.onConcluded(c))];
  }

  private onRan(ran: ActionRan): void {
    // On every press's path: no copies (an object rest copies every field), only what is cut.
    const answer = ran.answer;
    const k: Kept = { id: this.nextId++, ran, outcome: ran.async && !ran.reason ? "waiting" : ran.reason ? "fail" : "ok", reason: ran.reason };
    if (answer) {
      const long = answer.body.length > this.bounds.bodyBytes;
      // A copy, not a slice: a slice of a long string keeps the whole string alive.
      k.answer = { status: answer.status, headers: answer.headers, body: long ? Buffer.from(answer.body.slice(0, this.bounds.bodyBytes)).toString() : answer.body, bytes: long ? Buffer.byteLength(answer.body) : undefined };
      if (long) k.ran = { ...ran, answer: undefined }; // the long body is not kept through the news either
    }
    const old = this.ring[this.next];
    if (old) this.open.delete(old.ran.eventId);
    this.ring[this.next] = k;
    this.next = (this.next + 1) % this.ring.length;
    if (k.outcome === "waiting") this.open.set(ran.eventId, k);
    this.tell(k);
  }

  private onConcluded(c: PressConcluded): void {
    const k = this.open.get(c.eventId);
    if (!k) return;
    this.open.delete(c.eventId);
    k.outcome = c.outcome;
    k.reason = c.reason;
    k.callback = { outcome: c.outcome, reason: c.reason, at: Date.now() };
    this.tell(k);
  }

  private tell(k: Kept): void {
    if (!this.listeners.size) return;
    const shown = this.show(k);
    for (const l of this.listeners) l(shown);
  }

  /** Live: each new run, and each run an async callback decided. Returns a function that stops. */
  watch(listener: (run: InspectedRun) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Newest first. */
  list(f: RunFilter = {}): InspectedRun[] {
    const limit = Math.min(Math.max(f.limit ?? 50, 1), this.bounds.runs);
    const out: InspectedRun[] = [];
    for (let i = 1; i <= this.ring.length && out.length < limit; i++) {
      const k = this.ring[(this.next - i + this.ring.length) % this.ring.length];
      if (!k) break;
      if (f.bttn !== undefined && k.ran.bttn !== f.bttn) continue;
      if (f.outcome !== undefined && k.outcome !== f.outcome) continue;
      if (f.since !== undefined && k.ran.startedAt < f.since) break; // older ones follow
      if (f.before !== undefined && k.id >= f.before) continue;
      out.push(this.show(k));
    }
    return out;
  }

  get(id: number): InspectedRun | undefined {
    for (const k of this.ring) if (k && k.id === id) return this.show(k);
    return undefined;
  }

  private show(k: Kept): InspectedRun {
    const r = k.ran;
    const sent: HttpRequest | undefined = r.sent;
    const answer = k.answer;
    return {
      id: k.id,
      bttn: r.bttn,
      eventId: r.eventId,
      type: r.type,
      virtual: r.boot === VIRTUAL_BOOT,
      startedAt: r.startedAt,
      durationMs: r.durationMs,
      outcome: k.outcome,
      reason: k.reason,
      error: r.error,
      request: {
        method: r.method,
        url: sent ? maskUrl(sent.url) : r.url,
        headers: sent ? maskHeaders(sent.headers) : {},
        body: sent?.body !== undefined && sent.body !== "" ? maskBody(sent.body, sent.headers["content-type"], this.bounds.bodyBytes) : undefined,
        auth: r.auth,
      },
      answer: answer && {
        status: answer.status,
        headers: maskHeaders(answer.headers),
        body: maskBody(answer.body, headerOf(answer.headers["content-type"]), this.bounds.bodyBytes, answer.bytes),
      },
      callback: k.callback,
    };
  }

  close(): void {
    for (const s of this.stops) s();
    this.listeners.clear();
  }
}

function headerOf(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
