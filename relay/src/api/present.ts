// What the API shows of stored things: never a secret, a hash or a salt. Each view is typed by its
// answer schema, so what is sent is what the OpenAPI description says.
import { ACTION_EVENT_TYPES } from "@bttn/shared";
import type { z } from "zod";
import type { Actions, HttpAction } from "../config/schema";
import { isSecretParam, REDACTED, redactHeaders, redactUrl } from "../redact";
import type { Bttn } from "../store/bttns";
import type { Hook } from "../store/hooks";
import type { ApiKey } from "../store/keys";
import type { bttnInfo, bttnSummary, hookAnswer, keyAnswer } from "./schemas";

const iso = (ms: number) => new Date(ms).toISOString();

export function bttnSummaryView(b: Bttn): z.input<typeof bttnSummary> {
  return { id: b.id, origin: b.origin, name: b.props.name, location: b.props.location, events: Object.keys(b.actions) };
}

/** `withActions` for admins only: an action's URL and headers tell where and how the relay calls. */
export function bttnInfoView(b: Bttn, withActions: boolean): z.input<typeof bttnInfo> {
  return {
    id: b.id,
    origin: b.origin,
    ...b.props,
    events: Object.keys(b.actions),
    device: b.device,
    actions: withActions ? redactActions(b.actions) : undefined,
    createdAt: iso(b.createdAt),
    updatedAt: iso(b.updatedAt),
  };
}

/** The URL as written (tags intact) unless it holds credentials or secret-looking query values. */
export function shownUrl(url: string): string {
  const r = redactUrl(url);
  try {
    return r === new URL(url).toString() ? url : r;
  } catch {
    return r;
  }
}

function redactArgs(args: HttpAction["args"]): HttpAction["args"] {
  if (args === undefined) return undefined;
  // A raw body template cannot be told apart from a secret written into it: it is not shown.
  if (typeof args === "string") return REDACTED;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(args)) out[k] = isSecretParam(k) ? REDACTED : args[k];
  return out;
}

export function redactAction(a: HttpAction): HttpAction {
  return {
    ...a,
    url: a.url === "dynamic" ? a.url : shownUrl(a.url),
    headers: redactHeaders(a.headers),
    args: redactArgs(a.args),
    auth: a.auth ? { ...a.auth, password: REDACTED } : undefined,
  };
}

export function redactActions(actions: Actions): Actions {
  const out: Actions = {};
  for (const type of ACTION_EVENT_TYPES) {
    const a = actions[type];
    if (a) out[type] = { http: redactAction(a.http) };
  }
  return out;
}

export function hookView(h: Hook): z.input<typeof hookAnswer> {
  return { id: h.id, bttn: h.bttn, url: redactUrl(h.url), keyId: h.keyId, createdAt: iso(h.createdAt) };
}

export function keyView(k: ApiKey): z.input<typeof keyAnswer> {
  return { id: k.id, name: k.name, kind: k.kind, bttns: k.bttns, createdAt: iso(k.createdAt), revokedAt: k.revokedAt === null ? null : iso(k.revokedAt) };
}
