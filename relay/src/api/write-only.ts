// Secrets an admin sets are write-only: GET shows them as "[redacted]" (present.ts), and a PUT that
// sends such a value back means "keep what is stored", so the console can show an action, let a
// person change its URL, and save it without ever holding its password. Kept from the stored action:
// auth.password (when type and username are unchanged), a header or top-level argument whose value
// is "[redacted]", a raw body template shown as "[redacted]", and a URL sent back as it was shown.
import type { Actions, HttpAction } from "../config/schema";
import { REDACTED } from "../redact";
import { badField } from "./errors";
import { shownUrl } from "./present";

type Raw = Record<string, unknown>;
const isObject = (x: unknown): x is Raw => typeof x === "object" && x !== null && !Array.isArray(x);

/** Before validation: an `auth` without a password stands for the stored one. */
function fillPassword(http: unknown): void {
  if (isObject(http) && isObject(http.auth) && http.auth.password === undefined) http.auth.password = REDACTED;
}

/** For PUT /bttns/{id}/actions/{event} (and the preview): `{"http": {...}}`. */
export function fillActionBody(raw: unknown): unknown {
  if (isObject(raw)) fillPassword(raw.http);
  return raw;
}

/** For PUT /bttns/{id}: every action of the definition. */
export function fillBttnBody(raw: unknown): unknown {
  if (isObject(raw) && isObject(raw.actions)) for (const a of Object.values(raw.actions)) if (isObject(a)) fillPassword(a.http);
  return raw;
}

/**
 * `next` with every "[redacted]" replaced by the stored value it stands for. `at` is the field path
 * of the action's `http` in the body, for the 400 when a "[redacted]" stands for nothing stored.
 */
export function keepStoredSecrets(next: HttpAction, stored: HttpAction | undefined, at: string): HttpAction {
  const out: HttpAction = { ...next };
  if (next.auth?.password === REDACTED) {
    const same = stored?.auth && stored.auth.type === next.auth.type && stored.auth.username === next.auth.username;
    if (!same) throw badField("body", at + "auth.password", "required: the stored password is kept only while type and username stay the same");
    out.auth = { ...next.auth, password: stored!.auth!.password };
  }
  if (Object.values(next.headers).includes(REDACTED)) {
    out.headers = {};
    for (const [k, v] of Object.entries(next.headers)) out.headers[k] = v === REDACTED ? kept(stored?.headers[k], at + "headers." + k) : v;
  }
  if (next.args === REDACTED) out.args = kept(typeof stored?.args === "string" ? stored.args : undefined, at + "args");
  else if (typeof next.args === "object" && Object.values(next.args).includes(REDACTED)) {
    const old = typeof stored?.args === "object" ? stored.args : {};
    out.args = {};
    for (const [k, v] of Object.entries(next.args)) out.args[k] = v === REDACTED ? kept(old[k], at + "args." + k) : v;
  }
  if (stored && next.url !== stored.url && stored.url !== "dynamic" && next.url === shownUrl(stored.url)) out.url = stored.url;
  else if (/\[redacted\]|%5Bredacted%5D/i.test(next.url)) throw badField("body", at + "url", 'holds "' + REDACTED + '" but is not the URL as shown: give the whole URL, credentials included');
  return out;
}

function kept<T>(value: T | undefined, path: string): T {
  if (value === undefined) throw badField("body", path, '"' + REDACTED + '" stands for the stored value, and there is none: give the value');
  return value;
}

/** Every action of a definition, its secrets kept from the stored actions of the same event type. */
export function keepStoredActionSecrets(next: Actions, stored: Actions): Actions {
  const out: Actions = {};
  for (const [type, a] of Object.entries(next) as [keyof Actions, NonNullable<Actions[keyof Actions]>][]) {
    out[type] = { http: keepStoredSecrets(a.http, stored[type]?.http, "actions." + type + ".http.") };
  }
  return out;
}
