// One place turns a route's description into its Hono handler: who may call it, what its body and
// query must be, what it answers. The same descriptions make the OpenAPI document, so the document
// lists what is served, with the schemas that are enforced.
import type { Context, Hono } from "hono";
import type { z } from "zod";
import type { Logger } from "../log";
import type { ApiKey } from "../store/keys";
import type { KeyRepo } from "../store/store";
import { authenticate, ClientAddress, requireAdmin } from "./auth";
import { ApiError, invalid } from "./errors";
import type { Sessions } from "./sessions";

type Schema = z.ZodType;
type Parsed<S> = S extends Schema ? z.output<S> : undefined;
type Answer<S> = S extends Schema ? z.input<S> : void;

export type Access = "public" | "key" | "admin";

export interface RouteSpec<B extends Schema | undefined = Schema | undefined, Q extends Schema | undefined = Schema | undefined, R extends Schema | undefined = Schema | undefined> {
  method: "get" | "post" | "put" | "delete";
  /** OpenAPI style, under /api/v1: `/bttns/{id}`. */
  path: string;
  summary: string;
  description?: string;
  /** The resource, for grouping in the description. */
  tag: string;
  /** 'key': any valid key, admin included; 'admin': admin tokens only. */
  access: Access;
  body?: B;
  /** The body may be left out (counts as `{}`). */
  bodyOptional?: boolean;
  query?: Q;
  status: 200 | 201 | 204;
  answer?: R;
  /** The answer is a stream of this media type (text/event-stream) instead of JSON. */
  stream?: string;
  /** What else it may answer, besides 400 for bad input, 401, and 413 for bodies over the limit. */
  errors?: Array<401 | 403 | 404 | 409 | 429 | 503>;
  /**
   * Runs on the parsed JSON before the body schema: fills in what a caller may leave out for the
   * handler to complete (a write-only password kept from the stored action).
   */
  fill?: (raw: unknown) => unknown;
}

/** What a public route's handler gets: no key. */
export interface OpenCall<B, Q> {
  c: Context;
  body: Parsed<B>;
  query: Parsed<Q>;
  param(name: string): string;
}

export interface Call<B, Q> extends OpenCall<B, Q> {
  key: ApiKey;
}

/** A handler answers a value (sent as JSON with the route's status) or a Response of its own (a stream). */
type Handled<R> = Answer<R> | Response;
/** The largest request body the API reads; beyond it, 413. */
export const MAX_BODY = 64 * 1024;

async function readBody(c: Context, schema: Schema, optional: boolean, fill?: (raw: unknown) => unknown): Promise<unknown> {
  const text = await c.req.text();
  let raw: unknown;
  if (text.trim() === "" && optional) raw = {};
  else {
    try {
      raw = JSON.parse(text);
    } catch {
      // JSON.parse's own message quotes the body, which may hold a secret: it is not passed on.
      throw new ApiError(400, text.trim() === "" ? "body: a JSON object is required" : "body: not valid JSON (send Content-Type: application/json)", "", "body");
    }
  }
  const r = schema.safeParse(fill ? fill(raw) : raw);
  if (!r.success) throw invalid("body", r.error);
  return r.data;
}

function readQuery(c: Context, schema: Schema | undefined): unknown {
  const raw = c.req.query();
  if (!schema) {
    const extra = Object.keys(raw);
    if (extra.length) throw new ApiError(400, extra[0] + ": unknown query parameter", extra[0], "query");
    return undefined;
  }
  const r = schema.safeParse(raw);
  if (!r.success) throw invalid("query", r.error);
  return r.data;
}

export class Routes {
  readonly specs: RouteSpec[] = [];

  constructor(
    private readonly app: Hono,
    private readonly keys: KeyRepo,
    private readonly log: Logger,
    private readonly clientAddress: ClientAddress = () => undefined,
    private readonly sessions?: Sessions,
  ) {}

  add<B extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, R extends Schema | undefined = undefined>(
    spec: RouteSpec<B, Q, R> & { access: "key" | "admin" },
    handler: (call: Call<B, Q>) => Handled<R> | Promise<Handled<R>>,
  ): void {
    this.register(spec, async (c) => {
      // Credentials before input: a caller without them learns nothing about what the route takes.
      const key = await authenticate(c, this.keys, this.log, this.clientAddress, this.sessions);
      if (spec.access === "admin") requireAdmin(key);
      const call = await this.input<B, Q>(c, spec);
      return answer(c, spec, await handler({ ...call, key }));
    });
  }

  /** A route that needs no key (signing in, the description); its handler checks what it must. */
  addOpen<B extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, R extends Schema | undefined = undefined>(
    spec: RouteSpec<B, Q, R> & { access: "public" },
    handler: (call: OpenCall<B, Q>) => Handled<R> | Promise<Handled<R>>,
  ): void {
    this.register(spec, async (c) => answer(c, spec, await handler(await this.input<B, Q>(c, spec))));
  }

  private async input<B, Q>(c: Context, spec: RouteSpec<Schema | undefined, Schema | undefined, Schema | undefined>): Promise<OpenCall<B, Q>> {
    const query = readQuery(c, spec.query) as Parsed<Q>;
    const body = (spec.body ? await readBody(c, spec.body, !!spec.bodyOptional, spec.fill) : undefined) as Parsed<B>;
    return { c, body, query, param: (n) => c.req.param(n) ?? "" };
  }

  /** A route anyone may read (the description itself). */
  addPublic<R extends Schema | undefined>(spec: RouteSpec<undefined, undefined, R> & { access: "public" }, handler: (c: Context) => Response): void {
    this.register(spec, async (c) => {
      readQuery(c, undefined);
      return handler(c);
    });
  }

  private register(spec: RouteSpec<Schema | undefined, Schema | undefined, Schema | undefined>, h: (c: Context) => Promise<Response>): void {
    this.specs.push(spec);
    this.app.on(spec.method.toUpperCase(), spec.path.replace(/\{(\w+)\}/g, ":$1"), h);
  }
}

function answer(c: Context, spec: RouteSpec<Schema | undefined, Schema | undefined, Schema | undefined>, value: unknown): Response {
  if (value instanceof Response) return value;
  return spec.status === 204 ? c.body(null, 204) : c.json(value as object, spec.status);
}
