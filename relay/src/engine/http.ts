// The shape every piece of the HTTP action engine shares. A request travels through a chain of
// layers (auth, redirects, ...) down to the transport that sends it with undici, in the way undici's
// own interceptors compose: each layer wraps the next `Send`. Bodies are held as strings so a layer
// may send the same request again (Digest retries after a 401 challenge).
import type { Reason } from "@bttn/shared";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE" | "PATCH";

export interface TlsOptions {
  /** PEM text of extra CA certificates to trust (a private CA or a self-signed certificate). */
  ca?: string;
  /** Skip certificate validation for this action (still encrypted). */
  insecure?: boolean;
}

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body?: string;
  /** Total time for connect + response, in ms. */
  timeoutMs: number;
  /**
   * When the whole action must be over (epoch ms), set by the engine: every send in the chain (a
   * Digest retry, each redirect hop) shares what is left of the action's timeout.
   */
  deadline?: number;
  /**
   * Set by the redirect layer once a hop has left the action's own origin: auth layers must not
   * send the action's credentials there.
   */
  crossOrigin?: boolean;
  /** Read at most this many bytes of the response body; the rest is discarded. */
  maxResponseBytes: number;
  tls?: TlsOptions;
}

export interface HttpResponse {
  status: number;
  /** Header names in lower case; repeated headers joined as an array. */
  headers: Record<string, string | string[]>;
  /** The first `maxResponseBytes` of the body, as UTF-8 text. */
  body: string;
}

export type Send = (req: HttpRequest) => Promise<HttpResponse>;
export type Layer = (next: Send) => Send;

/** A failure with a protocol reason code; the engine turns it into a `fail` result. */
export class ActionError extends Error {
  readonly reason: Reason;
  readonly code?: number;
  constructor(reason: Reason, message: string, code?: number) {
    super(message);
    this.name = "ActionError";
    this.reason = reason;
    this.code = code;
  }
}

/** Composes layers around a transport; the first layer is the outermost. */
export function compose(transport: Send, layers: Layer[]): Send {
  let send = transport;
  for (let i = layers.length - 1; i >= 0; i--) send = layers[i](send);
  return send;
}

/** First value of a header that may be repeated. */
export function headerValue(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Every value of a header, one entry per occurrence. */
export function headerValues(res: HttpResponse, name: string): string[] {
  const v = res.headers[name.toLowerCase()];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}
