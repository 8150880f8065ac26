// Request bins: named places on the relay (`/bin/<name>`) that record whatever arrives, so an
// action can be tried against the relay itself (the console's "try it out" flow needs nothing
// outside the Pi). Kept in memory and bounded every way: how many bins, how many requests each, how
// old, how much body in all. What is kept is masked as the inspector masks (credentials, secret
// headers and parameters, callback tokens): a bin shows what an action sent without its secrets.
import { randomBytes } from "node:crypto";
import { maskBody, maskHeaders } from "../inspector/mask";
import { isSecretParam, REDACTED, redactCallbackTokens } from "../redact";

export interface BinBounds {
  bins: number;
  /** Requests kept per bin (the oldest goes first). */
  requests: number;
  /** A request older than this is dropped. */
  maxAgeMs: number;
  /** Body kept per request; the rest is counted, not kept. */
  bodyBytes: number;
  /** Body kept over all bins; beyond it the oldest requests go first. */
  totalBodyBytes: number;
}

export const BIN_DEFAULTS: BinBounds = { bins: 20, requests: 100, maxAgeMs: 24 * 3600_000, bodyBytes: 16 * 1024, totalBodyBytes: 4 * 1024 * 1024 };

export const BIN_NAME = /^[A-Za-z0-9_-]{1,40}$/;

export interface BinRequest {
  id: number;
  at: number;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[]>;
  body: string;
  /** The whole body's size. */
  bodyBytes: number;
  truncated: boolean;
}

/** What arrived, before masking. */
export interface Arrived {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Buffer;
}

interface Bin {
  name: string;
  createdAt: number;
  /** Oldest first. */
  requests: BinRequest[];
}

export class Bins {
  private readonly bins = new Map<string, Bin>();
  private readonly listeners = new Set<(bin: string, request: BinRequest) => void>();
  private nextId = 1;
  private keptBytes = 0;
  private readonly now: () => number;

  constructor(
    readonly bounds: BinBounds = BIN_DEFAULTS,
    now?: () => number,
  ) {
    this.now = now ?? Date.now;
  }

  /** A new bin, named or given a random name; "exists" or "full" when it cannot be made. */
  create(name?: string): { name: string; createdAt: number } | "exists" | "full" {
    const n = name ?? randomBytes(6).toString("base64url").toLowerCase().replace(/[^a-z0-9]/g, "x");
    if (this.bins.has(n)) return "exists";
    if (this.bins.size >= this.bounds.bins) return "full";
    const bin = { name: n, createdAt: this.now(), requests: [] };
    this.bins.set(n, bin);
    return { name: n, createdAt: bin.createdAt };
  }

  has(name: string): boolean {
    return this.bins.has(name);
  }

  list(): { name: string; createdAt: number; count: number }[] {
    return [...this.bins.values()].map((b) => ({ name: b.name, createdAt: b.createdAt, count: this.fresh(b).length }));
  }

  /** Newest first. */
  requests(name: string): BinRequest[] | undefined {
    const b = this.bins.get(name);
    return b && [...this.fresh(b)].reverse();
  }

  remove(name: string): boolean {
    const b = this.bins.get(name);
    if (!b) return false;
    for (const r of b.requests) this.keptBytes -= r.body.length;
    return this.bins.delete(name);
  }

  /** Records what arrived at a bin (masked); undefined when there is no such bin. */
  record(name: string, a: Arrived): BinRequest | undefined {
    const b = this.bins.get(name);
    if (!b) return undefined;
    const body = maskBody(a.body.toString("utf8"), a.headers["content-type"], this.bounds.bodyBytes, a.body.length);
    const r: BinRequest = {
      id: this.nextId++,
      at: this.now(),
      method: a.method,
      path: redactCallbackTokens(a.path),
      query: maskedQuery(a.query),
      headers: maskHeaders(a.headers),
      body: body.text,
      bodyBytes: a.body.length,
      truncated: a.body.length > this.bounds.bodyBytes,
    };
    this.fresh(b);
    if (b.requests.length >= this.bounds.requests) this.keptBytes -= b.requests.shift()!.body.length;
    b.requests.push(r);
    this.keptBytes += r.body.length;
    while (this.keptBytes > this.bounds.totalBodyBytes && this.dropOldest());
    for (const l of this.listeners) l(name, r);
    return r;
  }

  /** Live: every request recorded. Returns a function that stops. */
  watch(listener: (bin: string, request: BinRequest) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The bin's requests younger than the bound (older ones are dropped here). */
  private fresh(b: Bin): BinRequest[] {
    const oldest = this.now() - this.bounds.maxAgeMs;
    let i = 0;
    while (i < b.requests.length && b.requests[i].at < oldest) this.keptBytes -= b.requests[i++].body.length;
    if (i) b.requests.splice(0, i);
    return b.requests;
  }

  private dropOldest(): boolean {
    let from: Bin | undefined;
    for (const b of this.bins.values()) if (b.requests.length && (!from || b.requests[0].id < from.requests[0].id)) from = b;
    if (!from) return false;
    this.keptBytes -= from.requests.shift()!.body.length;
    return true;
  }
}

function maskedQuery(q: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const k of new Set(q.keys())) {
    const all = q.getAll(k).map((v) => (isSecretParam(k) ? REDACTED : redactCallbackTokens(v)));
    out[k] = all.length === 1 ? all[0] : all;
  }
  return out;
}
