// `/bin/<name>` (and any path under it), any method, no credentials: a webhook target on the relay
// that records what arrives (bins.ts) and answers 200 `{"ok": true}`. Bodies up to 1 MiB are read
// (the first 16 KiB kept); larger ones are refused with 413 and not recorded.
import type { Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Logger } from "../log";
import { BIN_NAME, Bins } from "./bins";

/** The largest body a bin reads; beyond it, 413. */
export const BIN_MAX_BODY = 1024 * 1024;

export function mountBins(app: Hono, bins: Bins, log: Logger): void {
  // The refused body is not read: the connection closes after the answer, or the client would send
  // its next request after the rest of this one.
  const limit = bodyLimit({
    maxSize: BIN_MAX_BODY,
    onError: (c) => c.json({ error: "body: larger than " + BIN_MAX_BODY / 1024 + " KiB (a bin keeps the first " + bins.bounds.bodyBytes / 1024 + " KiB)" }, 413, { connection: "close" }),
  });
  const receive = async (c: Context) => {
    const name = c.req.param("name") ?? "";
    if (!BIN_NAME.test(name) || !bins.has(name)) return c.json({ error: "no bin " + JSON.stringify(name.slice(0, 40)) + " (make one in the console or with POST /api/v1/bins)" }, 404);
    const body = Buffer.from(await c.req.arrayBuffer());
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((v, k) => (headers[k] = v));
    const url = new URL(c.req.url);
    bins.record(name, { method: c.req.method, path: url.pathname, query: url.searchParams, headers, body });
    log.debug("bin received a request", { bin: name, method: c.req.method, bytes: body.length });
    return c.json({ ok: true });
  };
  app.all("/bin/:name", limit, receive);
  app.all("/bin/:name/*", limit, receive);
}
