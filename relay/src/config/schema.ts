// The relay's config file and every object the REST API accepts for bttns and actions share these
// schemas, so a field means the same everywhere. Validation errors carry the path of the bad field.
import { z } from "zod";
import { ACTION_EVENT_TYPES, checkBttnId, checkDeviceConfig } from "@bttn/shared";
import { originProblem } from "../engine/dynamic-origins";
import { MAX_ARGS_DEPTH, tooDeep } from "./args-depth";
import { HTTP_URL_MESSAGE, isHttpUrl } from "./http-url";
import { DEFAULT_RATE_LIMIT } from "../limits/press-rate";
import { DEFAULT_MAX_IN_PROGRESS } from "../limits/press-gate";
import { INSPECTOR_DEFAULTS } from "../inspector/inspector";
import { parseBetween } from "../schedule/daily-window";
import { METRICS_ACCESS } from "../metrics/access";

export const HTTP_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"] as const;

const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "must be a valid HTTP header name");

export const authSchema = z.strictObject({
  type: z.enum(["basic", "digest"]),
  username: z.string().min(1),
  password: z.string(),
});

const argsSchema = z.union([z.record(z.string(), z.unknown()), z.string()]).superRefine((args, ctx) => {
  const path = typeof args === "string" ? undefined : tooDeep(args);
  if (path) ctx.addIssue({ code: "custom", path, message: "nested more than " + MAX_ARGS_DEPTH + " levels deep" });
});

const originSchema = z.string().superRefine((o, ctx) => {
  const e = originProblem(o);
  if (e) ctx.addIssue({ code: "custom", message: e });
});

export const httpActionSchema = z.strictObject({
  method: z.enum(HTTP_METHODS).default("GET"),
  /** A URL (tags allowed) or "dynamic": the webhook registered through the REST API for this bttn. */
  url: z.string().min(1).refine((u) => u === "dynamic" || isHttpUrl(u), {
    message: HTTP_URL_MESSAGE + ', or "dynamic"',
  }),
  format: z.enum(["form", "json"]).default("form"),
  /** Arguments: an object (values may contain tags), or a raw body template string. */
  args: argsSchema.optional(),
  headers: z.record(headerName, z.string()).default({}),
  /** Total time for the request in ms (connect + answer). */
  timeout: z.number().int().min(100).max(60_000).default(10_000),
  /** Read at most this many bytes of the answer. */
  maxResponseBytes: z.number().int().min(0).max(10_485_760).default(65_536),
  /** Follow redirects (at most 5, never from https to http). */
  followRedirects: z.boolean().default(false),
  auth: authSchema.optional(),
  /** PEM text, or the path of a PEM file, of a CA to trust for this action. */
  ca: z.string().min(1).optional(),
  /** Skip certificate validation for this action (still encrypted). */
  insecure: z.boolean().default(false),
  /** Wait for the server to call <CALLBACKURL> with the result. */
  async: z.boolean().default(false),
  /** How long to wait for the async callback, in ms. */
  callbackTimeout: z.number().int().min(1000).max(86_400_000).default(60_000),
  /** Send `Idempotency-Key` with the press's identity, so a server can drop a repeat. */
  idempotencyKey: z.boolean().default(true).meta({ description: 'send Idempotency-Key: "<bttn id>:<boot>:<seq>" (the press identity) so a server can drop a repeat' }),
  /**
   * With `url: "dynamic"`: the origins (`https://host:port`) a registered webhook may have when the
   * action carries auth or headers; they go nowhere else (engine/dynamic-origins.ts).
   */
  dynamicOrigins: z
    .array(originSchema)
    .max(20)
    .optional()
    .meta({ description: 'with url "dynamic": the only origins (https://host:port) a registered webhook may have when the action has auth or headers' }),
}).superRefine((a, ctx) => {
  if (a.dynamicOrigins && a.url !== "dynamic") ctx.addIssue({ code: "custom", path: ["dynamicOrigins"], message: 'only for an action with url "dynamic"' });
});
export type HttpAction = z.output<typeof httpActionSchema>;
export type HttpActionInput = z.input<typeof httpActionSchema>;

export const actionSchema = z.strictObject({ http: httpActionSchema });
export type Action = z.output<typeof actionSchema>;

export const ACTION_TYPES_TEXT = ACTION_EVENT_TYPES.join(", ");

export const eventTypeSchema = z.enum(ACTION_EVENT_TYPES);

export const actionsSchema = z.partialRecord(eventTypeSchema, actionSchema).default({});
export type Actions = z.output<typeof actionsSchema>;

export const deviceSettingsSchema = z
  .strictObject({
    longMs: z.number().optional(),
    double: z.boolean().optional(),
    doubleMs: z.number().optional(),
    sleep: z.boolean().optional(),
    heartbeatS: z.number().optional(),
  })
  .superRefine((o, ctx) => {
    const e = checkDeviceConfig(o);
    if (e) ctx.addIssue({ code: "custom", message: e.slice(e.indexOf(":") + 2), path: [e.slice(0, e.indexOf(":"))] });
  });
export type DeviceSettings = z.output<typeof deviceSettingsSchema>;

export const bttnIdSchema = z.string().superRefine((id, ctx) => {
  const e = checkBttnId(id);
  if (e) ctx.addIssue({ code: "custom", message: e });
});

/**
 * When a bttn is expected to be pressed: a daily window of wall-clock time in the bttn's time zone
 * (else the relay's). A window that ends without a press fires the bttn's `not-pressed` action
 * (schedule/not-pressed.ts).
 */
export const notPressedSchema = z
  .strictObject({
    between: z.string().refine((b) => parseBetween(b) !== undefined, { message: 'must be a daily window "HH:MM-HH:MM" (24-hour clock) with different ends, such as "07:00-10:00"' }),
  })
  .meta({ description: 'a daily window, "HH:MM-HH:MM" in the bttn\'s time zone: when it ends without a press, the relay fires the not-pressed action' });
export type NotPressed = z.output<typeof notPressedSchema>;

/** What a person can say about a bttn (used by tags such as <NAME> and <LOCATION>), and when it is expected to be pressed. */
export const bttnPropsSchema = z.strictObject({
  name: z.string().max(100).optional(),
  user: z.string().max(100).optional(),
  location: z.string().max(200).optional(),
  email: z.string().max(200).optional(),
  language: z.string().max(35).optional(),
  url: z.string().max(500).optional(),
  deviceId: z.string().max(100).optional(),
  timeZone: z.string().optional().refine((tz) => tz === undefined || isTimeZone(tz), { message: "must be an IANA time zone such as Europe/Helsinki" }),
  notPressed: notPressedSchema.optional(),
});
export type BttnProps = z.output<typeof bttnPropsSchema>;

export const bttnFileEntrySchema = bttnPropsSchema.extend({
  secret: z.string().min(8, "must be at least 8 characters").max(128),
  actions: actionsSchema,
  device: deviceSettingsSchema.default({}),
});
export type BttnFileEntry = z.output<typeof bttnFileEntrySchema>;

export const relaySettingsSchema = z.strictObject({
  /** Base URL where webhook servers can reach this relay (for async callback URLs). */
  publicUrl: z.string().refine(isHttpUrl, HTTP_URL_MESSAGE).optional(),
  /** Topic prefix. */
  prefix: z.string().regex(/^[A-Za-z0-9_-]+$/).optional(),
  /** A press older than this (seconds, by its `age`) fails with `stale` instead of firing. */
  staleAfterS: z.number().int().min(1).max(2_592_000).default(3600),
  /** Default time zone for date tags. */
  timeZone: z.string().refine(isTimeZone, { message: "must be an IANA time zone such as Europe/Helsinki" }).optional(),
  /** The relay's own certificate and key (PEM file paths): mqtts for devices and HTTPS for the API. */
  tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
  /** Per-bttn press rate limit (limits/press-rate.ts); "off" or `burst: 0` turns it off. */
  rateLimit: z
    .union([
      z.literal("off"),
      z.strictObject({
        burst: z.number().int().min(0).max(100_000).default(DEFAULT_RATE_LIMIT.burst),
        perSecond: z.number().positive().max(100_000).default(DEFAULT_RATE_LIMIT.perSecond),
      }),
    ])
    .default({ ...DEFAULT_RATE_LIMIT })
    .meta({ description: 'per-bttn token bucket: presses that may fire back to back (burst) and the refill per second; "off" or burst 0 turns it off' }),
  /** Above this many presses in progress the broker stops reading from devices (limits/press-gate.ts). */
  maxPressesInProgress: z.number().int().min(1).max(100_000).default(DEFAULT_MAX_IN_PROGRESS),
  /** The request inspector's bounds (inspector/inspector.ts): kept in memory, never written. */
  inspector: z
    .strictObject({
      runs: z.number().int().min(1).max(100_000).default(INSPECTOR_DEFAULTS.runs),
      bodyBytes: z.number().int().min(0).max(1_048_576).default(INSPECTOR_DEFAULTS.bodyBytes),
    })
    .prefault({})
    .meta({ description: "the request inspector keeps the last `runs` action runs in memory (none on disk), with up to `bodyBytes` of each request and answer body" }),
  /** Who may read GET /metrics (metrics/route.ts); --metrics-open overrides it with "open". */
  metrics: z
    .enum(METRICS_ACCESS)
    .default("admin")
    .meta({ description: 'GET /metrics for Prometheus: "admin" (an admin token as Bearer, the default), "open" (anyone who reaches the HTTP port) or "off"' }),
  /**
   * Home Assistant MQTT discovery (ha/): each bttn a device with triggers and sensors. On an
   * external broker Home Assistant also uses, or on the embedded one with `password` (its login).
   */
  haDiscovery: z
    .union([
      z.boolean(),
      z.strictObject({
        prefix: z
          .string()
          .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, "must be an MQTT topic prefix of letters, digits, - and _ (levels split by /)")
          .default("homeassistant"),
        /** With the embedded broker: Home Assistant logs in with this user name and password (bus/ha-user.ts). */
        username: z.string().regex(/^[\x21-\x7e]{1,64}$/, "must be 1-64 printable ASCII characters without spaces").default("homeassistant"),
        password: z.string().min(16, "must be at least 16 characters").max(128).optional(),
      }),
    ])
    .default(false)
    .meta({ description: 'publish Home Assistant MQTT discovery messages: true, or {"prefix": "homeassistant", "username": "homeassistant", "password": "..."} (the password lets Home Assistant log in to the embedded broker)' }),
});

export const configFileSchema = z.strictObject({
  $schema: z.string().optional(),
  relay: relaySettingsSchema.prefault({}),
  bttns: z.record(bttnIdSchema, bttnFileEntrySchema).default({}),
});
export type ConfigFile = z.output<typeof configFileSchema>;
export type ConfigFileInput = z.input<typeof configFileSchema>;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** "bttns.kitchen.actions.pressed.http.url: must be ..." for the first few issues. */
export function formatIssues(error: z.ZodError, max = 5): string {
  return error.issues
    .slice(0, max)
    .map((i) => {
      // A bad record key (a bttn id) carries the real reason one level down.
      const inner = i.code === "invalid_key" && i.issues.length ? i.issues[0].message : i.message;
      return (i.path.length ? i.path.join(".") : "(top level)") + ": " + inner;
    })
    .join("; ");
}
