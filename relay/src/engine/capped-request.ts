// One HTTP exchange through an undici dispatcher, with our own dispatch handler (undici's handler
// API: onRequestStart, onResponseStart, onResponseData, ...) instead of undici's `request()`. Two
// things need the handler:
// - The size cap: we keep the first `maxResponseBytes` of the body as it arrives and stop there,
//   with no stream or async iterator per request.
// - The deadline: `request()` holds an abort back while the request waits for its connection
//   (connecting, the TLS handshake, a full pool) and applies it only once the request reaches a
//   socket. Here the deadline settles the promise at once, and a request that reaches its socket
//   later is aborted there before a byte of it is written: a press fails on time and never fires
//   late.
import type { Dispatcher } from "undici";
import type { HttpRequest, HttpResponse } from "./http";

/** The reason a request was aborted for its deadline, so callers can tell it from undici's errors. */
export class DeadlineError extends Error {
  constructor() {
    super("the action's deadline passed");
    this.name = "DeadlineError";
  }
}

// Aborting with this marker ends a read we chose to stop; it is not a failure.
const CAPPED = new Error("response cap reached");

/**
 * Sends `req` through `dispatcher` and resolves with the status, headers and the first
 * `req.maxResponseBytes` of the body; rejects with undici's error, or a DeadlineError after `ms`.
 * Only a body cut at the cap drops its connection (a half-read answer cannot carry another request).
 */
export function cappedRequest(dispatcher: Dispatcher, req: HttpRequest, ms: number): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch (e) {
      return reject(e);
    }
    const max = req.maxResponseBytes;
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    let expired = false;
    let status = 0;
    let headers: Record<string, string | string[]> = {};
    const chunks: Buffer[] = [];
    let size = 0;

    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err !== undefined) return reject(err);
      resolve({ status, headers, body: Buffer.concat(chunks, size).toString("utf8") });
    };

    const timer = setTimeout(() => {
      expired = true;
      const e = new DeadlineError();
      controller?.abort(e);
      finish(e);
    }, ms);

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (expired) c.abort(new DeadlineError());
      },
      onResponseStart(_c, statusCode, h) {
        if (statusCode < 200) return; // 100 Continue, 103 Early Hints: the answer is still to come
        status = statusCode;
        headers = normaliseHeaders(h);
      },
      onResponseData(c, chunk) {
        if (size + chunk.length > max) {
          chunks.push(chunk.subarray(0, max - size));
          size = max;
          c.abort(CAPPED);
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      },
      onResponseEnd() {
        finish();
      },
      onResponseError(_c, err) {
        finish(err === CAPPED ? undefined : err);
      },
    };

    try {
      dispatcher.dispatch(
        {
          origin: url.origin,
          path: url.pathname + url.search,
          method: req.method,
          headers: req.headers,
          body: req.body,
          headersTimeout: ms,
          bodyTimeout: ms,
        },
        handler,
      );
    } catch (e) {
      finish(e);
    }
  });
}

function normaliseHeaders(h: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const k of Object.keys(h)) {
    const v = h[k];
    if (v !== undefined) out[k.toLowerCase()] = v;
  }
  return out;
}
