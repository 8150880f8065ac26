// Every body the API accepts and every answer it gives, as zod schemas. Bodies about bttns and
// actions are built from the config file's schemas, so a field means the same in the file, the CLI
// and the API. The answer schemas type the handlers' return values (a handler cannot answer a shape
// the description does not show) and, with the bodies, make the OpenAPI components.
import { z } from "zod";
import { ACTION_EVENT_TYPES } from "@bttn/shared";
import { actionSchema, actionsSchema, bttnIdSchema, bttnPropsSchema, deviceSettingsSchema, httpActionSchema } from "../config/schema";
import { checkHookUrl, MAX_HOOK_URL } from "../store/hooks";
import { KEY_KINDS } from "../store/keys";
import { BIN_NAME } from "../bins/bins";

export const schemas = z.registry<{ id: string }>();
/** Descriptions of the named schemas, by id (kept apart: field-level `.meta` lives in zod's global registry). */
export const descriptions: Record<string, string> = {};
function named<S extends z.ZodType>(id: string, s: S, description?: string): S {
  schemas.add(s, { id });
  if (description) descriptions[id] = description;
  return s;
}

const time = z.string().meta({ format: "date-time" });
const eventType = z.enum(ACTION_EVENT_TYPES);

// ── bodies ──────────────────────────────────────────────────────────────────────────────────────

named("HttpAction", httpActionSchema, "An HTTP action, as in the config file.");
named("Actions", actionsSchema, "Actions by event type.");
export const actionBody = named("Action", actionSchema, "One event type's action: `{\"http\": {...}}`, as in the config file.");
export const deviceSettings = named("DeviceSettings", deviceSettingsSchema, "Settings the relay publishes to the device (retained config topic).");

export const bttnBody = named(
  "BttnDefinition",
  bttnPropsSchema.extend({ actions: actionsSchema, device: deviceSettingsSchema.default({}) }),
  "A bttn's definition as in the config file, without its secret. PUT replaces all of it: what is left out is removed.",
);

export const deviceFileOptions = z.strictObject({
  /** Where the device reaches the MQTT broker; default: the relay's LAN address. */
  relayHost: z.string().max(253).regex(/^[A-Za-z0-9.:_-]+$/, "must be a host name or IP address").optional(),
  wifi: z.strictObject({ ssid: z.string().min(1).max(32), password: z.string().min(1).max(64).optional() }).optional(),
});

export const bttnCreateBody = named(
  "BttnCreate",
  bttnBody.extend({ id: bttnIdSchema, deviceFile: deviceFileOptions.optional() }),
  "A new bttn: its id and definition; `deviceFile` fills in the device file of the answer.",
);

export const secretBody = named("SecretRotate", z.strictObject({ deviceFile: deviceFileOptions.optional() }), "Optional: what to put into the new device file.");

export const hookUrl = z
  .string()
  .max(MAX_HOOK_URL)
  .superRefine((u, ctx) => {
    const e = checkHookUrl(u);
    if (e) ctx.addIssue({ code: "custom", message: e });
  })
  .meta({ format: "uri", description: "http:// or https://, without user:password@" });

export const hookBody = named(
  "HookRegister",
  z.strictObject({ url: hookUrl, bttn: bttnIdSchema.optional() }),
  "`bttn` may be left out when the key acts for exactly one bttn.",
);

export const keyBody = named(
  "KeyCreate",
  z
    .strictObject({
      name: z.string().min(1).max(100),
      kind: z.enum(KEY_KINDS).default("key"),
      bttns: z.array(bttnIdSchema).max(100).default([]),
    })
    .superRefine((k, ctx) => {
      if (k.kind === "key" && !k.bttns.length) ctx.addIssue({ code: "custom", path: ["bttns"], message: "a key acts for at least one bttn" });
      if (k.kind === "admin" && k.bttns.length) ctx.addIssue({ code: "custom", path: ["bttns"], message: "an admin key acts for every bttn: leave bttns out" });
    }),
  "A key for a webhook server (`kind: key`, bound to bttns) or another admin token.",
);

export const feedQuery = z.strictObject({
  type: eventType.optional().meta({ description: "only events of this type" }),
  after: z.coerce.number().int().min(0).optional().meta({ description: "only events with a greater id, oldest first (without it: newest first)" }),
  limit: z.coerce.number().int().min(1).max(1000).default(50).meta({ description: "at most this many events" }),
});

// ── answers ─────────────────────────────────────────────────────────────────────────────────────

export const errorAnswer = named(
  "Error",
  z.object({
    error: z.string(),
    path: z.string().optional().meta({ description: "the bad field, dot-separated; empty for the whole body" }),
    in: z.enum(["body", "query", "path"]).optional(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
);

const origin = z.enum(["file", "cli", "api"]).meta({ description: "who owns the definition; 'file' bttns are changed in the config file only" });

export const bttnSummary = named(
  "BttnSummary",
  z.object({ id: z.string(), origin, name: z.string().optional(), location: z.string().optional(), events: z.array(z.string()).meta({ description: "event types with an action" }) }),
);
export const bttnList = named("BttnList", z.object({ bttns: z.array(bttnSummary) }));

export const bttnInfo = named(
  "BttnInfo",
  bttnPropsSchema.extend({
    id: z.string(),
    origin,
    events: z.array(z.string()),
    device: deviceSettingsSchema,
    /** Only for admins, with passwords, secret-looking headers and arguments, and URL credentials redacted. */
    actions: actionsSchema.optional(),
    createdAt: time,
    updatedAt: time,
  }),
  "A bttn, never with its secret. `actions` only for admins, with secrets redacted.",
);

const deviceFile = z.object({
  id: z.string(),
  secret: z.string(),
  relay: z.object({ host: z.string(), port: z.number() }),
  wifi: z.object({ ssid: z.string(), password: z.string().optional() }).optional(),
});

export const bttnCreated = named(
  "BttnCreated",
  z.object({ bttn: bttnInfo, secret: z.string(), deviceFile }),
  "The secret is shown only in this answer: flash the device file onto the bttn (flash.sh --config).",
);
export const secretRotated = named("SecretRotated", z.object({ id: z.string(), secret: z.string(), deviceFile }), "The new secret, shown only in this answer.");

const run = z.object({
  method: z.string(),
  url: z.string(),
  status: z.number().nullable(),
  durationMs: z.number(),
  reason: z.string().nullable(),
  error: z.string().nullable(),
  startedAt: time,
});
export const feedEntry = named(
  "Event",
  z.object({
    id: z.number(),
    type: z.string(),
    boot: z.string(),
    seq: z.number(),
    age: z.number(),
    bat: z.number().nullable(),
    rssi: z.number().nullable(),
    receivedAt: time,
    pressedAt: time,
    counter: z.number(),
    state: z.enum(["running", "waiting", "ok", "fail"]),
    reason: z.string().nullable(),
    code: z.number().nullable(),
    runs: z.array(run),
  }),
);
export const feedAnswer = named("Feed", z.object({ events: z.array(feedEntry) }));

export const countersAnswer = named(
  "Counters",
  z.object({
    total: z.number().meta({ description: "every event type but heartbeats" }),
    pressed: z.number(),
    "pressed-long": z.number(),
    "pressed-double": z.number(),
    "not-pressed": z.number(),
    heartbeat: z.number(),
  }),
);

export const statusAnswer = named(
  "Status",
  z.object({ online: z.boolean(), fw: z.string().nullable(), bat: z.number().nullable(), rssi: z.number().nullable(), lastHeard: time.nullable() }),
);

export const hookAnswer = named("Hook", z.object({ id: z.string(), bttn: z.string(), url: z.string().meta({ description: "secret-looking query values redacted" }), keyId: z.string(), createdAt: time }));
export const hookList = named("HookList", z.object({ hooks: z.array(hookAnswer) }));

export const keyAnswer = named(
  "Key",
  z.object({ id: z.string(), name: z.string(), kind: z.enum(KEY_KINDS), bttns: z.array(z.string()), createdAt: time, revokedAt: time.nullable() }),
);
export const keyList = named("KeyList", z.object({ keys: z.array(keyAnswer) }));
export const keyCreated = named("KeyCreated", keyAnswer.extend({ key: z.string().meta({ description: "the key itself, shown only in this answer" }) }));

// ── the request inspector ───────────────────────────────────────────────────────────────────────

const runState = z.enum(["running", "waiting", "ok", "fail"]);

export const inspectorQuery = z.strictObject({
  bttn: z.string().optional().meta({ description: "only this bttn's runs" }),
  outcome: runState.optional().meta({ description: "only runs whose press ended so (waiting: its async callback has not come yet)" }),
  since: z.coerce.number().int().min(0).optional().meta({ description: "only runs started at or after this time (ms since the epoch)" }),
  before: z.coerce.number().int().min(1).optional().meta({ description: "only runs with a smaller id (paging back)" }),
  limit: z.coerce.number().int().min(1).max(1000).default(50).meta({ description: "at most this many runs" }),
});

const headers = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
const maskedBody = z.object({
  text: z.string().meta({ description: "the body, secrets masked, cut to the inspector's bodyBytes" }),
  bytes: z.number().meta({ description: "the whole body's size" }),
  truncated: z.boolean(),
});

export const inspectedRun = named(
  "InspectedRun",
  z.object({
    id: z.number(),
    bttn: z.string(),
    eventId: z.number(),
    type: z.string(),
    virtual: z.boolean().meta({ description: "made with Press in the console or the API, not by a device" }),
    startedAt: z.number(),
    durationMs: z.number(),
    outcome: runState,
    reason: z.string().optional(),
    error: z.string().optional(),
    request: z.object({
      method: z.string(),
      url: z.string(),
      headers,
      body: maskedBody.optional(),
      auth: z.enum(["basic", "digest"]).optional().meta({ description: "credentials were sent (never shown)" }),
    }),
    answer: z.object({ status: z.number(), headers, body: maskedBody }).optional(),
    callback: z.object({ outcome: z.enum(["ok", "fail"]), reason: z.string().optional(), at: z.number() }).optional(),
  }),
  "One action run: the request as sent and the answer, credentials and callback tokens masked.",
);

export const inspectorAnswer = named(
  "InspectorRuns",
  z.object({
    kept: z.object({ runs: z.number(), bodyBytes: z.number() }).meta({ description: "what the relay keeps: the last `runs` runs, in memory only" }),
    runs: z.array(inspectedRun),
  }),
);

// ── the web console's session ───────────────────────────────────────────────────────────────────

export const sessionBody = named("SignIn", z.strictObject({ token: z.string().min(1).max(200).meta({ description: "an admin token" }) }), "Sent once; the answer sets the session cookie.");
export const sessionAnswer = named("Session", z.object({ expiresAt: time }));

// ── the console's virtual press ─────────────────────────────────────────────────────────────────

export const pressBody = named("VirtualPress", z.strictObject({ type: z.enum(["pressed", "pressed-long", "pressed-double"]) }));
export const pressAnswer = named(
  "VirtualPressOutcome",
  z.object({
    eventId: z.number(),
    type: z.string(),
    virtual: z.literal(true),
    state: z.enum(["ok", "fail", "pending"]).meta({ description: "pending: not concluded yet (an async action waiting for its callback); GET /live tells the outcome" }),
    reason: z.string().optional(),
    status: z.number().optional().meta({ description: "the webhook's HTTP status, when it answered" }),
    runs: z.array(z.number()).meta({ description: "the ids of this press's action runs in the request inspector" }),
  }),
);

// ── request bins ────────────────────────────────────────────────────────────────────────────────

export const binBody = named(
  "BinCreate",
  z.strictObject({ name: z.string().regex(BIN_NAME, "must be 1 to 40 letters, digits, '-' or '_'").optional().meta({ description: "default: a random name" }) }),
);
export const binCreated = named("BinCreated", z.object({ name: z.string(), url: z.string().meta({ description: "the relay's public base URL + /bin/<name>: paste it into an action" }), createdAt: time }));
export const binList = named("BinList", z.object({ bins: z.array(binCreated.extend({ count: z.number().meta({ description: "requests kept" }) })) }));
export const binRequest = named(
  "BinRequest",
  z.object({
    id: z.number(),
    at: time,
    method: z.string(),
    path: z.string(),
    query: headers,
    headers,
    body: z.string().meta({ description: "the body as text, secrets masked, cut to the bin's bound" }),
    bodyBytes: z.number().meta({ description: "the whole body's size" }),
    truncated: z.boolean(),
  }),
  "One request a bin received, with credentials, secret-looking headers and parameters and callback tokens masked.",
);
export const binAnswer = named("Bin", z.object({ name: z.string(), url: z.string(), requests: z.array(binRequest) }));

// ── the preview of an action's request ──────────────────────────────────────────────────────────

export const previewBody = named(
  "PreviewRequest",
  z.strictObject({ http: httpActionSchema.optional().meta({ description: "an action not saved yet; absent: the stored one" }) }),
);
export const previewAnswer = named(
  "PreviewedRequest",
  z.object({
    method: z.string(),
    url: z.string(),
    headers: z.record(z.string(), z.string()),
    body: z.string().nullable(),
    auth: z.enum(["basic", "digest"]).optional().meta({ description: "these credentials would be added (never shown)" }),
  }),
  "The request a press would send now, secrets masked.",
);
