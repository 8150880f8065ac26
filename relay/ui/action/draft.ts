// The action form's state (strings as typed) and its two conversions: from an action as the API
// shows it, and to the `http` object the API takes. The API validates; the page only refuses what
// the API cannot know: a "[redacted]" left in a field would be saved as those very characters.
import type { HttpAction } from "../types";

export const REDACTED = "[redacted]";

export interface Row {
  key: string;
  value: string;
  /** The value is JSON (a number, true, an object...), not a string: JSON format only. */
  json: boolean;
}

export interface Draft {
  urlMode: "static" | "dynamic";
  url: string;
  /** One origin a line. */
  dynamicOrigins: string;
  method: string;
  format: "form" | "json";
  argsMode: "rows" | "raw";
  args: Row[];
  rawArgs: string;
  headers: Row[];
  timeout: string;
  maxResponseBytes: string;
  followRedirects: boolean;
  authType: "" | "basic" | "digest";
  username: string;
  /** Empty: keep the stored password (when there is one). */
  password: string;
  /** The stored action has a password (never shown). */
  passwordSet: boolean;
  storedAuth?: { type: string; username: string };
  ca: string;
  insecure: boolean;
  async: boolean;
  callbackTimeout: string;
  idempotencyKey: boolean;
}

export const emptyRow = (): Row => ({ key: "", value: "", json: false });

export function newDraft(): Draft {
  return {
    urlMode: "static",
    url: "",
    dynamicOrigins: "",
    method: "GET",
    format: "form",
    argsMode: "rows",
    args: [emptyRow()],
    rawArgs: "",
    headers: [emptyRow()],
    timeout: "10000",
    maxResponseBytes: "65536",
    followRedirects: false,
    authType: "",
    username: "",
    password: "",
    passwordSet: false,
    ca: "",
    insecure: false,
    async: false,
    callbackTimeout: "60000",
    idempotencyKey: true,
  };
}

function rowsOf(o: Record<string, unknown> | undefined): Row[] {
  const rows = Object.entries(o ?? {}).map(([key, v]) => (typeof v === "string" ? { key, value: v, json: false } : { key, value: JSON.stringify(v), json: true }));
  return rows.length ? rows : [emptyRow()];
}

/** From the action the API shows (secrets redacted). */
export function draftOf(a: HttpAction | undefined): Draft {
  const d = newDraft();
  if (!a) return d;
  const dynamic = a.url === "dynamic";
  return {
    ...d,
    urlMode: dynamic ? "dynamic" : "static",
    url: dynamic ? "" : a.url,
    dynamicOrigins: (a.dynamicOrigins ?? []).join("\n"),
    method: a.method ?? "GET",
    format: a.format ?? "form",
    argsMode: typeof a.args === "string" ? "raw" : "rows",
    args: typeof a.args === "string" ? [emptyRow()] : rowsOf(a.args),
    rawArgs: typeof a.args === "string" ? a.args : "",
    headers: rowsOf(a.headers),
    timeout: String(a.timeout ?? 10000),
    maxResponseBytes: String(a.maxResponseBytes ?? 65536),
    followRedirects: !!a.followRedirects,
    authType: a.auth?.type ?? "",
    username: a.auth?.username ?? "",
    password: "",
    passwordSet: !!a.auth,
    storedAuth: a.auth && { type: a.auth.type, username: a.auth.username },
    ca: a.ca ?? "",
    insecure: !!a.insecure,
    async: !!a.async,
    callbackTimeout: String(a.callbackTimeout ?? 60000),
    idempotencyKey: a.idempotencyKey ?? true,
  };
}

/** A number as typed; what is not a number goes as typed, so the API names the field. */
function num(s: string): number | string | undefined {
  const t = s.trim();
  if (!t) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

export interface Built {
  http?: HttpAction;
  /** Problems the page finds itself, by control id. */
  errors: Record<string, string>;
}

const AGAIN = "The relay never shows this secret back: type it again (or remove it).";

function objectOf(rows: Row[], control: string, json: boolean, errors: Record<string, string>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  rows.forEach((r, i) => {
    const key = r.key.trim();
    if (!key && !r.value) return;
    if (!key) errors[control] ??= "Row " + (i + 1) + " has a value but no name.";
    else if (r.value === REDACTED) errors[control] ??= key + ": " + AGAIN;
    else if (json && r.json) {
      try {
        out[key] = JSON.parse(r.value);
      } catch {
        errors[control] ??= key + ": not valid JSON (untick JSON to send it as text).";
      }
    } else out[key] = r.value;
  });
  return Object.keys(out).length ? out : undefined;
}

export function buildHttp(d: Draft): Built {
  const errors: Record<string, string> = {};
  const http: Record<string, unknown> = {
    method: d.method,
    url: d.urlMode === "dynamic" ? "dynamic" : d.url.trim(),
    format: d.format,
    timeout: num(d.timeout),
    maxResponseBytes: num(d.maxResponseBytes),
    followRedirects: d.followRedirects,
    insecure: d.insecure,
    async: d.async,
    idempotencyKey: d.idempotencyKey,
  };
  if (d.urlMode === "static" && /\[redacted\]|%5Bredacted%5D/i.test(d.url)) errors["act-url"] = "The URL held a secret (a password or key) that the relay never shows back: type it again where it says [redacted].";
  if (d.async) http.callbackTimeout = num(d.callbackTimeout);
  if (d.urlMode === "dynamic") {
    const origins = d.dynamicOrigins.split(/\s+/).filter(Boolean);
    if (origins.length) http.dynamicOrigins = origins;
  }
  if (d.argsMode === "raw") {
    if (d.rawArgs === REDACTED) errors["act-args"] = "The relay does not show a raw body back (it may hold secrets): type it again.";
    else if (d.rawArgs) http.args = d.rawArgs;
  } else http.args = objectOf(d.args, "act-args", d.format === "json", errors);
  http.headers = objectOf(d.headers, "act-headers", false, errors) ?? {};
  if (d.authType) {
    const same = d.storedAuth && d.storedAuth.type === d.authType && d.storedAuth.username === d.username.trim();
    // The stored password is kept when nothing else of the credentials changed (write-only).
    if (!d.password && !same) errors["act-auth-password"] = d.passwordSet ? "The user name or type changed: type the password again." : "Type the password.";
    http.auth = { type: d.authType, username: d.username.trim(), password: d.password || REDACTED };
  }
  if (d.ca.trim()) http.ca = d.ca;
  for (const k of Object.keys(http)) if (http[k] === undefined) delete http[k];
  return { http: Object.keys(errors).length ? undefined : (http as unknown as HttpAction), errors };
}
