// HTTP Digest authentication (RFC 7616), the pure part: which of a server's challenges to answer,
// and the `Authorization` header that answers it. No I/O and no state; the nonce counter lives in
// nonce-cache.ts and the request flow in digest-layer.ts.
import { createHash, randomBytes } from "node:crypto";
import type { Challenge } from "./challenge";

export type DigestAlgorithm = "MD5" | "MD5-sess" | "SHA-256" | "SHA-256-sess" | "SHA-512-256" | "SHA-512-256-sess";
export type DigestQop = "auth" | "auth-int";

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm: DigestAlgorithm;
  /** The qop we answer with; absent for an RFC 2069 server that offers none. */
  qop?: DigestQop;
  /** The server says our nonce expired but the credentials were right. */
  stale: boolean;
}

/** Hash families we support, weakest first; the rank decides between a server's offers. */
const FAMILIES: { name: string; node: string }[] = [
  { name: "MD5", node: "md5" },
  { name: "SHA-256", node: "sha256" },
  { name: "SHA-512-256", node: "sha512-256" },
];

function family(algorithm: string): number {
  const base = algorithm.replace(/-sess$/i, "").toUpperCase();
  for (let i = 0; i < FAMILIES.length; i++) if (FAMILIES[i].name === base) return i;
  return -1;
}

/** Reads one Digest challenge; undefined if it is not Digest or asks for something we cannot do. */
export function toDigestChallenge(c: Challenge): DigestChallenge | undefined {
  if (c.scheme !== "digest") return undefined;
  const p = c.params;
  if (!p.nonce) return undefined;
  // RFC 7616 section 3.3: a missing algorithm means MD5.
  const raw = p.algorithm || "MD5";
  const f = family(raw);
  if (f < 0) return undefined;
  const sess = /-sess$/i.test(raw);
  const algorithm = (FAMILIES[f].name + (sess ? "-sess" : "")) as DigestAlgorithm;

  let qop: DigestQop | undefined;
  if (p.qop !== undefined) {
    const offered = p.qop.split(",").map((q) => q.trim().toLowerCase());
    // auth-int only when it is all the server takes: it hashes the body, and auth is as safe here.
    if (offered.indexOf("auth") >= 0) qop = "auth";
    else if (offered.indexOf("auth-int") >= 0) qop = "auth-int";
    else return undefined;
  } else if (sess) {
    return undefined; // -sess needs a cnonce, and RFC 2617 forbids a cnonce without qop
  }

  const out: DigestChallenge = {
    realm: p.realm || "",
    nonce: p.nonce,
    algorithm,
    stale: (p.stale || "").toLowerCase() === "true",
  };
  if (p.opaque !== undefined) out.opaque = p.opaque;
  if (qop) out.qop = qop;
  return out;
}

/** The strongest Digest challenge we can answer; on a tie, the one the server listed first. */
export function pickDigestChallenge(challenges: Challenge[]): DigestChallenge | undefined {
  let best: DigestChallenge | undefined;
  for (const c of challenges) {
    const d = toDigestChallenge(c);
    if (d && (!best || family(d.algorithm) > family(best.algorithm))) best = d;
  }
  return best;
}

export interface DigestInput {
  challenge: DigestChallenge;
  username: string;
  password: string;
  method: string;
  /** The request target exactly as sent: path and query. */
  uri: string;
  /** The request body; only auth-int hashes it. */
  body?: string;
  /** Requests sent with this nonce so far, this one included. */
  nc: number;
  cnonce: string;
}

function hasher(algorithm: DigestAlgorithm): (s: string) => string {
  const node = FAMILIES[family(algorithm)].node;
  return (s) => createHash(node).update(s, "utf8").digest("hex");
}

/** nc as RFC 7616 writes it: 8 lower-case hex digits. */
export function formatNc(nc: number): string {
  return nc.toString(16).padStart(8, "0");
}

// Client nonces are cut from a pool of random bytes that is refilled 4 KiB at a time: one call into
// the system's random source per 256 signed requests instead of one per request (that call was 3 %
// of the relay's CPU at 2000 Digest presses/s). Each nonce is still 128 fresh random bits, used once.
const CNONCE_BYTES = 16;
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let used = 0;

/** A client nonce from the system's random source: 32 hex digits, never handed out twice. */
export function newCnonce(): string {
  if (used + CNONCE_BYTES > pool.length) {
    pool = randomBytes(POOL_BYTES);
    used = 0;
  }
  const cnonce = pool.toString("hex", used, used + CNONCE_BYTES);
  used += CNONCE_BYTES;
  return cnonce;
}

/** The `response` value: the hex digest that proves we know the password. */
export function digestResponse(x: DigestInput): string {
  const H = hasher(x.challenge.algorithm);
  const c = x.challenge;
  let ha1 = H(x.username + ":" + c.realm + ":" + x.password);
  if (/-sess$/.test(c.algorithm)) ha1 = H(ha1 + ":" + c.nonce + ":" + x.cnonce);
  let a2 = x.method + ":" + x.uri;
  if (c.qop === "auth-int") a2 += ":" + H(x.body || "");
  const ha2 = H(a2);
  if (!c.qop) return H(ha1 + ":" + c.nonce + ":" + ha2); // RFC 2069
  return H(ha1 + ":" + c.nonce + ":" + formatNc(x.nc) + ":" + x.cnonce + ":" + c.qop + ":" + ha2);
}

function quote(s: string): string {
  return '"' + s.replace(/[\\"]/g, "\\$&") + '"';
}

// RFC 7616 section 3.4.4: a user name that a quoted string cannot carry goes as username*
// in RFC 5987 form, so the header stays ASCII.
function usernameParam(username: string): string {
  if (!/[^\x20-\x7e]/.test(username)) return "username=" + quote(username);
  const enc = encodeURIComponent(username).replace(/['()*]/g, (ch) => "%" + ch.charCodeAt(0).toString(16).toUpperCase());
  return "username*=UTF-8''" + enc;
}

/** The `Authorization` header value, parameters in the order of RFC 7616's examples. */
export function digestAuthorization(x: DigestInput): string {
  const c = x.challenge;
  const parts = [usernameParam(x.username), "realm=" + quote(c.realm), "uri=" + quote(x.uri), "algorithm=" + c.algorithm, "nonce=" + quote(c.nonce)];
  if (c.qop) parts.push("nc=" + formatNc(x.nc), "cnonce=" + quote(x.cnonce), "qop=" + c.qop);
  parts.push('response="' + digestResponse(x) + '"');
  if (c.opaque !== undefined) parts.push("opaque=" + quote(c.opaque));
  return "Digest " + parts.join(", ");
}
