// Every field of an action's `http` object (README's `http` field table) and the form control that
// edits it: relay/test/console-fields.test.ts checks this against the README and the config schema,
// and the browser test finds each control on the page.
export const HTTP_FIELD_CONTROLS = {
  method: "act-method",
  url: "act-url",
  format: "act-format",
  args: "act-args",
  headers: "act-headers",
  timeout: "act-timeout",
  maxResponseBytes: "act-maxResponseBytes",
  followRedirects: "act-followRedirects",
  auth: "act-auth-type",
  ca: "act-ca",
  insecure: "act-insecure",
  async: "act-async",
  callbackTimeout: "act-callbackTimeout",
  idempotencyKey: "act-idempotencyKey",
  dynamicOrigins: "act-dynamicOrigins",
} as const;

export type HttpField = keyof typeof HTTP_FIELD_CONTROLS;

/** The control an API error path names ("http.auth.username", "http.args.who"), or undefined. */
export function controlFor(path: string): string | undefined {
  const p = path.replace(/^http\./, "").split(".");
  if (p[0] === "auth" && (p[1] === "username" || p[1] === "password")) return "act-auth-" + p[1];
  if (p[0] === "url" || p[0] === "urlMode") return "act-url";
  return (HTTP_FIELD_CONTROLS as Record<string, string>)[p[0]];
}
