// How the API says no: a status and a JSON body `{"error": ..., "path": ..., "in": ...}`, where
// `path` names the bad field ("actions.pressed.http.url") and `in` says where it was (body, query or
// path). Anything else thrown becomes a bare 500: a stack trace is for the log, never the answer.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import type { Logger } from "../log";

export type Where = "body" | "query" | "path";

export interface Issue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly path?: string,
    readonly where?: Where,
    readonly issues?: Issue[],
    /** Headers the refusal carries (Retry-After). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const notFound = (what: string) => new ApiError(404, what);
export const forbidden = (why: string) => new ApiError(403, why);
export const conflict = (why: string) => new ApiError(409, why);
export const badField = (where: Where, path: string, message: string) => new ApiError(400, (path || where) + ": " + message, path, where);

function issueOf(i: z.core.$ZodIssue): Issue {
  // An unknown field is reported at its own path rather than at its parent's.
  const path = i.code === "unrecognized_keys" && i.keys.length ? [...i.path, i.keys[0]] : i.path;
  // A bad record key (a bttn id, an event type) carries the real reason one level down.
  const message = i.code === "invalid_key" && i.issues.length ? i.issues[0].message : i.message;
  return { path: path.map(String).join("."), message };
}

/** A 400 for a value that failed its schema: the first issue in the message, up to five listed. */
export function invalid(where: Where, error: z.ZodError): ApiError {
  const issues = error.issues.slice(0, 5).map(issueOf);
  return new ApiError(400, (issues[0].path || where) + ": " + issues[0].message, issues[0].path, where, issues);
}

export function errorAnswer(c: Context, e: ApiError): Response {
  const body: Record<string, unknown> = { error: e.message };
  if (e.path !== undefined) body.path = e.path;
  if (e.where) body.in = e.where;
  if (e.issues && e.issues.length > 1) body.issues = e.issues;
  if (e.status === 401) c.header("WWW-Authenticate", 'Bearer realm="bttn"');
  for (const [k, v] of Object.entries(e.headers ?? {})) c.header(k, v);
  return c.json(body, e.status);
}

export function onApiError(log: Logger) {
  return (err: Error, c: Context): Response => {
    if (err instanceof ApiError) return errorAnswer(c, err);
    if (err instanceof HTTPException) return errorAnswer(c, new ApiError(err.status as ContentfulStatusCode, err.message || "request refused"));
    log.error("API request failed", { method: c.req.method, path: c.req.path, error: err });
    return c.json({ error: "internal error; the relay's log says more" }, 500);
  };
}
