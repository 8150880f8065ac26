// What the flags of `action set` and `action update` say about an HTTP action, and how they change
// one: `set` applies them to nothing (the action is replaced whole), `update` to the stored action
// (only the fields given change; --remove-header, --remove-arg and --reset take things away).
import { readFileSync } from "node:fs";
import { formatIssues, HttpAction, httpActionSchema } from "../config/schema";
import { readCaFile } from "../tls-files";
import type { Invocation } from "./commands";
import { UsageError } from "./options";
import { askHidden } from "./prompt";

type Raw = Record<string, unknown>;

/** The fields --reset takes, by the flag's name, and the action field each puts back to its default. */
export const RESETTABLE: Record<string, keyof HttpAction> = {
  method: "method",
  format: "format",
  args: "args",
  headers: "headers",
  timeout: "timeout",
  "max-response-bytes": "maxResponseBytes",
  "follow-redirects": "followRedirects",
  auth: "auth",
  ca: "ca",
  insecure: "insecure",
  async: "async",
  "callback-timeout": "callbackTimeout",
  "idempotency-key": "idempotencyKey",
  "dynamic-origins": "dynamicOrigins",
};

export interface ActionEdit {
  /** Fields to set, as the schema takes them (headers and args are merged by `update`). */
  fields: Raw;
  /** --auth, --username and the password from --password-file, when given. */
  auth: { type?: string; username?: string; password?: string };
  removeHeaders: string[];
  removeArgs: string[];
  reset: Array<keyof HttpAction>;
}

function pairs(list: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of list) {
    const i = p.indexOf("=");
    if (i <= 0) throw new UsageError(flag + ": expected name=value, got " + JSON.stringify(p));
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

function whole(flag: string, v: string | undefined, unit: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${flag}: must be a whole number of ${unit}, got ${JSON.stringify(v)}`);
  return Number(v);
}

/** The password in FILE's first line (`-`: standard input's). */
export function readPasswordFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (e) {
    throw new UsageError(`--password-file ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const first = text.split(/\r?\n/)[0];
  if (!first) throw new UsageError(`--password-file ${file}: its first line is empty (the password goes there)`);
  return first;
}

/** Reads the flags of `action set` / `action update`; a bad value is refused before anything is opened. */
export function readActionEdit(c: Invocation): ActionEdit {
  const f: Raw = {};
  const put = (k: string, v: unknown) => {
    if (v !== undefined) f[k] = v;
  };
  put("url", c.str("url"));
  put("method", c.str("method")?.toUpperCase());
  put("format", c.str("format"));
  if (c.list("arg").length && c.str("body") !== undefined) throw new UsageError("--arg and --body do not go together: arguments are either key=value pairs or one raw body");
  if (c.list("arg").length) put("args", pairs(c.list("arg"), "--arg"));
  put("args", c.str("body"));
  if (c.list("header").length) put("headers", pairs(c.list("header"), "--header"));
  put("timeout", whole("timeout", c.str("timeout"), "milliseconds"));
  put("maxResponseBytes", whole("max-response-bytes", c.str("max-response-bytes"), "bytes"));
  put("callbackTimeout", whole("callback-timeout", c.str("callback-timeout"), "milliseconds"));
  if (c.flag("follow-redirects")) f.followRedirects = true;
  if (c.flag("insecure")) f.insecure = true;
  if (c.flag("async")) f.async = true;
  if (c.flag("no-idempotency-key")) f.idempotencyKey = false;
  if (c.list("dynamic-origin").length) f.dynamicOrigins = c.list("dynamic-origin");
  const ca = c.str("ca");
  if (ca !== undefined) f.ca = readCaFile(ca, "--ca"); // the text: the action keeps working wherever the file goes
  const auth = c.str("auth");
  if (auth !== undefined && auth !== "basic" && auth !== "digest") throw new UsageError(`--auth: must be basic or digest, got ${JSON.stringify(auth)}`);
  const file = c.str("password-file");
  const reset = c.list("reset").map((r) => {
    const k = RESETTABLE[r];
    if (!k) throw new UsageError(`--reset ${r}: not a field that can be reset (${Object.keys(RESETTABLE).join(", ")})`);
    return k;
  });
  return {
    fields: f,
    auth: { type: auth, username: c.str("username"), password: file === undefined ? undefined : readPasswordFile(file) },
    removeHeaders: c.list("remove-header"),
    removeArgs: c.list("remove-arg"),
    reset,
  };
}

const findKey = (o: Record<string, unknown>, name: string) => Object.keys(o).find((k) => k.toLowerCase() === name.toLowerCase());

/**
 * The action after the edit, checked by the action schema. `base` is the stored action for
 * `update`, `{}` for `set`. A password the user did not give is kept when the auth's type and user
 * name stay the same, else asked for on the terminal.
 */
export async function applyActionEdit(base: Raw, e: ActionEdit): Promise<HttpAction> {
  const out: Raw = { ...base, headers: { ...((base.headers as Record<string, string>) ?? {}) } };
  if (base.args !== undefined && typeof base.args === "object") out.args = { ...(base.args as Raw) };
  for (const k of e.reset) delete out[k];
  const headers = (out.headers ?? {}) as Record<string, string>;
  for (const name of e.removeHeaders) {
    const k = findKey(headers, name);
    if (!k) throw new UsageError(`--remove-header ${name}: the action has no such header (it has ${Object.keys(headers).join(", ") || "none"})`);
    delete headers[k];
  }
  for (const name of e.removeArgs) {
    const args = out.args;
    if (typeof args !== "object" || args === null || !(name in args)) {
      throw new UsageError(`--remove-arg ${name}: the action has no such argument (${typeof args === "string" ? "its args are a raw body: --reset args removes it" : "it has " + (Object.keys((args as Raw) ?? {}).join(", ") || "none")})`);
    }
    delete (args as Raw)[name];
  }
  for (const [k, v] of Object.entries(e.fields)) {
    if (k === "headers") {
      for (const [name, value] of Object.entries(v as Record<string, string>)) {
        const old = findKey(headers, name);
        if (old) delete headers[old];
        headers[name] = value;
      }
    } else if (k === "args" && typeof v === "object" && out.args !== undefined) {
      if (typeof out.args === "string") throw new UsageError("--arg: the action's args are a raw body; --body replaces it, or --reset args first");
      out.args = { ...(out.args as Raw), ...(v as Raw) };
    } else out[k] = v;
  }
  out.headers = headers;
  if (e.auth.type !== undefined || e.auth.username !== undefined || e.auth.password !== undefined) out.auth = await authFor(out.auth as HttpAction["auth"], e.auth);
  const r = httpActionSchema.safeParse(out);
  if (!r.success) throw new UsageError(formatIssues(r.error));
  return r.data;
}

async function authFor(stored: HttpAction["auth"], given: ActionEdit["auth"]): Promise<HttpAction["auth"]> {
  const type = (given.type ?? stored?.type) as "basic" | "digest" | undefined;
  const username = given.username ?? stored?.username;
  if (!type) throw new UsageError("--username and --password-file need --auth basic|digest (the action has no auth)");
  if (!username) throw new UsageError("--auth needs --username");
  const same = stored && stored.type === type && stored.username === username;
  const password = given.password ?? (same ? stored.password : await askHidden(`Password for ${username} (${type}): `, "--auth needs a password"));
  if (!password) throw new UsageError("an empty password: nothing was changed");
  return { type, username, password };
}
