// The public callback endpoint: `<publicUrl>/callback/<token>`, POST or PUT with JSON
// {"result": "..."} or a form body, or GET with ?result=. Answers 200 accepted, 400 malformed,
// 404 unknown/used/expired token, 409 too many Waits, 413 too large, 503 store unavailable (send again).
import type { Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Logger } from "../log";
import type { CallbackManager } from "./manager";
import { ACCEPTED_RESULTS, parseVerdict } from "./verdict";

const MAX_BODY = 16 * 1024;
const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

async function readResult(c: Context): Promise<unknown> {
  if (c.req.method === "GET") return c.req.query("result");
  const type = (c.req.header("content-type") ?? "").toLowerCase();
  const text = await c.req.text();
  if (type.includes("application/x-www-form-urlencoded")) return new URLSearchParams(text).get("result") ?? undefined;
  if (!text.trim()) return c.req.query("result");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error("body is not valid JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Error("body must be a JSON object");
  return (body as Record<string, unknown>).result;
}

export function mountCallbacks(app: Hono, callbacks: CallbackManager, log: Logger): void {
  const limit = bodyLimit({ maxSize: MAX_BODY, onError: (c) => c.json({ error: "body larger than " + MAX_BODY + " bytes" }, 413) });
  app.on(["GET", "POST", "PUT"], "/callback/:token", limit, async (c) => {
    const token = c.req.param("token");
    let word: unknown;
    try {
      word = await readResult(c);
    } catch (e) {
      return c.json({ error: (e as Error).message }, 400);
    }
    const verdict = parseVerdict(word);
    if (!verdict) return c.json({ error: "result: must be one of " + ACCEPTED_RESULTS }, 400);
    let receipt;
    try {
      receipt = TOKEN.test(token) ? await callbacks.receive(token, verdict) : "unknown";
    } catch (err) {
      // The store is away: nothing was decided, so the server may send its verdict again.
      log.warn("could not take a callback's verdict: the store is unavailable", { error: err as Error });
      return c.json({ error: "the relay cannot record the verdict now; send it again shortly" }, 503, { "Retry-After": "1" });
    }
    if (receipt === "unknown") {
      log.info("callback for an unknown, used or expired token");
      return c.json({ error: "unknown, used or expired callback" }, 404);
    }
    if (receipt === "too-many-waits") return c.json({ error: "too many Wait answers for this press" }, 409);
    return c.json({ accepted: verdict });
  });
}
