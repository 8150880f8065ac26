// POST /bttns/{id}/actions/{event}/preview: the request a press would send now (method, URL,
// headers, body, tags filled in), built by the engine exactly as for a press, masked as the
// inspector masks; of the stored action, or of one sent in the body before it is saved. Nothing is
// sent and nothing is recorded.
import type { ActionEngine, ActionPress } from "../engine/engine";
import { ActionError } from "../engine/http";
import { maskBody, maskHeaders, maskUrl } from "../inspector/mask";
import { VIRTUAL_BOOT } from "../press/conclude";
import { eventType } from "./actions";
import type { ApiDeps } from "./deps";
import { conflict, notFound } from "./errors";
import type { Routes } from "./route";
import { previewAnswer, previewBody } from "./schemas";
import { fillActionBody, keepStoredSecrets } from "./write-only";

/** How much of the body a preview shows. */
const PREVIEW_BODY_BYTES = 16 * 1024;

/** Stands for the callback URL a press of an async action gets; masked like a real one. */
const CALLBACK_PLACEHOLDER = "/callback/" + "0".repeat(32);

export function previewRoutes(r: Routes, d: ApiDeps): void {
  const engine: ActionEngine | undefined = d.engine;
  if (!engine) return;
  r.add(
    {
      method: "post",
      path: "/bttns/{id}/actions/{event}/preview",
      tag: "actions",
      summary: "The request a press would send now (nothing is sent)",
      description:
        "Of the stored action, or of the one in the body (not saved; its \"[redacted]\" values stand for the stored ones). Tags are filled in as for a press now " +
        "(counters one up, <EID> 0); credentials, secret-looking headers and parameters and the callback URL's token are masked. " +
        "409 when a press now could not be sent (no webhook registered for a dynamic URL, a header a tag broke), with the reason.",
      access: "admin",
      body: previewBody,
      bodyOptional: true,
      fill: fillActionBody,
      status: 200,
      answer: previewAnswer,
      errors: [404, 409],
    },
    async ({ body, param }) => {
      const type = eventType(param("event"));
      const b = d.bttns.get(param("id"));
      if (!b) throw notFound("no bttn " + JSON.stringify(param("id")));
      const stored = b.actions[type]?.http;
      const action = body.http ? keepStoredSecrets(body.http, stored, "http.") : stored;
      if (!action) throw notFound("bttn " + JSON.stringify(b.id) + " has no action for " + type + ": send one in the body to preview it");
      const counters = await d.events.getCounters(b.id);
      counters[type]++;
      if (type !== "heartbeat") counters.total++;
      const now = Date.now();
      const press: ActionPress = {
        bttn: b,
        eventId: 0,
        boot: VIRTUAL_BOOT,
        seq: now,
        type,
        pressedAt: now,
        age: 0,
        counters,
        callbackUrl: action.async ? (d.publicUrl?.() ?? "").replace(/\/+$/, "") + CALLBACK_PLACEHOLDER : undefined,
        dynamicUrl: action.url === "dynamic" ? await d.hooks.urlFor(b.id) : undefined,
      };
      let req;
      try {
        req = engine.request(action, press);
      } catch (e) {
        if (e instanceof ActionError) throw conflict("a press now could not be sent (" + e.reason + "): " + e.message);
        throw e;
      }
      return {
        method: req.method,
        url: maskUrl(req.url),
        headers: maskHeaders(req.headers) as Record<string, string>,
        body: req.body === undefined || req.body === "" ? null : maskBody(req.body, req.headers["content-type"], PREVIEW_BODY_BYTES).text,
        auth: action.auth?.type,
      };
    },
  );
}
