// Turns an action definition and one press's tag values into the HTTP request to send.
// GET and DELETE carry arguments in the query string; POST, PUT and PATCH in the body, as a form
// or as JSON. Each tag value is escaped for the place it lands (render.ts).
import type { HttpAction } from "../config/schema";
import { ActionError, HttpRequest, TlsOptions } from "./http";
import { IDEMPOTENCY_HEADER, idempotencyKey, PressIdentity } from "./idempotency";
import { renderArgs, renderHeader, renderJsonTemplate, renderUrl } from "./render";
import type { TagContext } from "./tags";

export const USER_AGENT = "bttn-relay/0.1";

const BODYLESS = new Set(["GET", "DELETE"]);

/** Form and query values must be strings: objects go as JSON, null as empty. */
function formValue(v: unknown): string {
  if (v === null || v === undefined) return "";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

function toForm(args: Record<string, unknown>): string {
  const p = new URLSearchParams();
  for (const k of Object.keys(args)) p.append(k, formValue(args[k]));
  return p.toString();
}

function appendQuery(url: string, query: string): string {
  if (!query) return url;
  const hash = url.indexOf("#");
  const base = hash >= 0 ? url.slice(0, hash) : url;
  const frag = hash >= 0 ? url.slice(hash) : "";
  const sep = base.indexOf("?") < 0 ? "?" : base.endsWith("?") || base.endsWith("&") ? "" : "&";
  return base + sep + query + frag;
}

/**
 * @param url the action's URL template, or the registered dynamic webhook URL (used as given,
 *            without tags: a server registered it, a person did not write it)
 * @param press the press's identity, for the Idempotency-Key header (unless the action turns it
 *              off, or sets that header itself)
 */
export function buildRequest(action: HttpAction, url: string, dynamic: boolean, ctx: TagContext, tls?: TlsOptions, press?: PressIdentity): HttpRequest {
  let target = dynamic ? url : renderUrl(url, ctx);
  const headers: Record<string, string> = { "user-agent": USER_AGENT };
  // Stored actions from before the field existed lack it: on unless turned off.
  if (press && action.idempotencyKey !== false) headers[IDEMPOTENCY_HEADER] = idempotencyKey(press);
  for (const name of Object.keys(action.headers)) headers[name.toLowerCase()] = renderHeader(action.headers[name], ctx, name);

  let body: string | undefined;
  let contentType: string | undefined;
  const args = action.args;
  if (args !== undefined) {
    if (BODYLESS.has(action.method)) {
      const query = typeof args === "string" ? renderUrl(args, ctx) : toForm(renderArgs(args, ctx));
      target = appendQuery(target, query);
    } else if (action.format === "json") {
      body = typeof args === "string" ? renderJsonTemplate(args, ctx) : JSON.stringify(renderArgs(args, ctx));
      contentType = "application/json";
    } else {
      body = typeof args === "string" ? renderUrl(args, ctx) : toForm(renderArgs(args, ctx));
      contentType = "application/x-www-form-urlencoded";
    }
  } else if (!BODYLESS.has(action.method)) {
    body = "";
  }
  if (contentType && !("content-type" in headers)) headers["content-type"] = contentType;

  try {
    new URL(target);
  } catch {
    throw new ActionError("bad-request", "the URL is not valid after rendering its tags");
  }
  return {
    method: action.method,
    url: target,
    headers,
    body,
    timeoutMs: action.timeout,
    maxResponseBytes: action.maxResponseBytes,
    tls,
  };
}
