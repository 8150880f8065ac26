// `bttn-relay action test <bttn> <event>`: runs a bttn's action once, here in the CLI's process, as
// a virtual press (boot "virtual", like the console's Press button), and shows the request as sent
// and the answer, masked like the request inspector shows them. The CLI has no admin token to ask
// the running relay (tokens are stored hashed), so it builds the same engine the relay builds and
// runs it itself. Nothing is recorded: the feed and the counters stay as they were, and no device
// is told. An async action's callback is not waited for.
import { ActionEngine, Outcome } from "../engine/engine";
import { withActionLayers } from "../engine/layers";
import type { ActionPress } from "../engine/press";
import { maskBody, maskHeaders, maskUrl } from "../inspector/mask";
import type { HttpAction } from "../config/schema";
import { createLogger } from "../log";
import { VIRTUAL_BOOT } from "../press/conclude";
import { actionOf, bttnIn, eventType } from "./action-commands";
import { StoreAt, withStore } from "./cli-store";

/** How much of each body is shown. */
export const SHOWN_BODY_BYTES = 1024;

export interface ActionTestOptions {
  /** Date tags' zone when the bttn has none (the config file's relay.timeZone). */
  timeZone?: string;
  /** The relay's public URL, for the <CALLBACKURL> an async action sends. */
  publicUrl: string;
}

/** Runs the action once; returns what to print and whether the press went well. */
export async function testAction(at: StoreAt, id: string, type: string, o: ActionTestOptions): Promise<{ text: string; ok: boolean }> {
  const t = eventType(type);
  // The store is closed before the request: a slow webhook must not hold the database.
  const { action, press } = await withStore(at, async (store) => {
    const b = bttnIn(store.bttns, id);
    const action = actionOf(b, t);
    // The tags as the next press would fill them: its counters include it.
    const counters = await store.events.getCounters(id);
    counters.total++;
    counters[t]++;
    const dynamicUrl = action.url === "dynamic" ? await store.hooks.urlFor(id) : undefined;
    const now = Date.now();
    const press: ActionPress = { bttn: b, eventId: 0, boot: VIRTUAL_BOOT, seq: now, type: t, pressedAt: now, age: 0, counters, callbackUrl: action.async ? o.publicUrl.replace(/\/$/, "") + "/callback/not-registered-action-test" : undefined, dynamicUrl };
    return { action, press };
  });
  const engine = withActionLayers(new ActionEngine({ log: createLogger("warn"), timeZone: o.timeZone }));
  try {
    const outcome = await engine.run(action, press);
    return { text: report(id, t, action, outcome), ok: outcome.ok };
  } finally {
    await engine.close();
  }
}

function headerLines(h: Record<string, string | string[]>): string[] {
  return Object.entries(maskHeaders(h)).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => "  " + k + ": " + x));
}

function bodyLines(body: string, contentType: string | undefined): string[] {
  if (body === "") return [];
  const m = maskBody(body, contentType, SHOWN_BODY_BYTES);
  const note = m.truncated ? [`  (the first ${SHOWN_BODY_BYTES} bytes of ${m.bytes})`] : [];
  return ["", ...m.text.split("\n").map((l) => "  " + l), ...note];
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

function report(id: string, type: string, a: HttpAction, o: Outcome): string {
  const out = [`A virtual press of ${id} (${type}), run by this command: the feed and the counters are unchanged, and no device is told.`, ""];
  if (o.sent) {
    out.push("request", `  ${o.sent.method} ${maskUrl(o.sent.url)}`, ...headerLines(o.sent.headers));
    if (a.auth) out.push(`  authorization: [${a.auth.type} authentication, added when sent; not shown]`);
    out.push(...bodyLines(o.sent.body ?? "", o.sent.headers["content-type"]), "");
  } else out.push("request: none was sent (it could not be built)", "");
  if (o.answer) out.push(`answer after ${o.durationMs} ms`, `  HTTP ${o.answer.status}`, ...headerLines(o.answer.headers), ...bodyLines(o.answer.body, first(o.answer.headers["content-type"])), "");
  else if (o.sent) out.push(`no answer (after ${o.durationMs} ms)`, "");
  out.push(o.ok ? `outcome: ok (HTTP ${o.status})` : `outcome: fail, reason ${o.reason}${o.status ? " (HTTP " + o.status + ")" : ""}: ${o.error ?? ""}`);
  if (a.async && o.ok) {
    out.push(
      `async: the relay would now wait up to ${a.callbackTimeout / 1000} s for the server to call <CALLBACKURL> with the result; this test does not wait. The callback URL it sent is not registered (a call to it is answered 404).`,
    );
  }
  return out.join("\n") + "\n";
}
