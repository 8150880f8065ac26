// GET /api/v1/openapi.json: an OpenAPI 3.1 description made from the route descriptions the API is
// served from (route.ts) and the zod schemas it enforces (schemas.ts), so it cannot drift from them.
import { z } from "zod";
import { MAX_BODY, RouteSpec, Routes } from "./route";
import { descriptions, errorAnswer, schemas } from "./schemas";

export const API_BASE = "/api/v1";

type Json = Record<string, unknown>;

const ERRORS: Record<number, string> = {
  400: "Bad input: `error` says why, `path` names the field and `in` where it is (body, query or path).",
  401: "No API key, or not a valid one (unknown, revoked or malformed).",
  403: "Outside this key's bttns, or an admin token is needed.",
  404: "No such bttn, hook, key or action.",
  409: "A conflict: the bttn is declared in the config file (edit it there), exists already, or the key has too many hooks.",
  413: "The body is larger than " + MAX_BODY / 1024 + " KiB.",
  429: "Too many wrong tokens from this address: wait as long as Retry-After says.",
  503: "The relay serves no more of these at once; try again later.",
};

const CONVERT = { io: "input", unrepresentable: "any", uri: (id: string) => "#/components/schemas/" + id } as const;

function clean(s: Json): Json {
  const { $schema: _s, $id: _i, ...rest } = s;
  return rest;
}

function schemaRef(s: z.ZodType): Json {
  const id = schemas.get(s)?.id;
  return id ? { $ref: "#/components/schemas/" + id } : clean(z.toJSONSchema(s, CONVERT) as Json);
}

const json = (schema: Json) => ({ "application/json": { schema } });

function operation(spec: RouteSpec): Json {
  const parameters: Json[] = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
  if (spec.query) {
    const q = z.toJSONSchema(spec.query, CONVERT) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties ?? {})) {
      const { description, ...rest } = schema;
      parameters.push({ name, in: "query", required: !!q.required?.includes(name) && !("default" in schema), description, schema: rest });
    }
  }
  const content = spec.stream ? { content: { [spec.stream]: { schema: { type: "string" } } } } : spec.answer ? { content: json(schemaRef(spec.answer)) } : {};
  const responses: Json = { [spec.status]: { description: spec.summary, ...content } };
  const statuses = [400, ...(spec.access === "public" ? [] : [401]), ...(spec.errors ?? []), ...(spec.body ? [413] : [])];
  for (const s of [...new Set(statuses)].sort()) responses[s] = { description: ERRORS[s], content: json(schemaRef(errorAnswer)) };
  return {
    tags: [spec.tag],
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.access === "admin" ? { "x-access": "admin" } : {}),
    security: spec.access === "public" ? [] : [{ apiKey: [] }, { bearer: [] }, { session: [] }],
    ...(parameters.length ? { parameters } : {}),
    ...(spec.body ? { requestBody: { required: !spec.bodyOptional, content: json(schemaRef(spec.body)) } } : {}),
    responses,
  };
}

export function openApiDocument(specs: readonly RouteSpec[]): Json {
  const components = (z.toJSONSchema(schemas, CONVERT) as { schemas: Record<string, Json> }).schemas;
  const paths: Record<string, Json> = {};
  for (const s of specs) (paths[s.path] ??= {})[s.method] = operation(s);
  return {
    openapi: "3.1.0",
    info: {
      title: "bttn relay API",
      version: "1.0.0",
      description:
        "Read bttns, their feeds, counters and status; register dynamic webhooks; administer bttns, actions and API keys. " +
        "Send an API key as `X-Api-Key` or `Authorization: Bearer` (the web console signs in once and sends its session cookie instead). A key acts for its bttns; an admin token (x-access: admin) for all. " +
        "Secrets (device secrets, API keys) are shown only in the answer that creates them.",
    },
    servers: [{ url: API_BASE }],
    tags: [...new Set(specs.map((s) => s.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(components).map(([id, s]) => [id, descriptions[id] ? { description: descriptions[id], ...clean(s) } : clean(s)])),
      securitySchemes: {
        apiKey: { type: "apiKey", in: "header", name: "X-Api-Key" },
        bearer: { type: "http", scheme: "bearer", description: "the same key as a bearer token" },
        session: { type: "apiKey", in: "cookie", name: "bttn_session", description: "the web console's session (POST /session); counts as the admin token that signed in; writes need the relay's own Origin" },
      },
    },
  };
}

/** Serves the description, made once. */
export function openApiRoute(r: Routes): void {
  let doc: string | undefined;
  r.addPublic({ method: "get", path: "/openapi.json", tag: "meta", summary: "This description (OpenAPI 3.1)", access: "public", status: 200 }, (c) => {
    doc ??= JSON.stringify(openApiDocument(r.specs));
    return c.body(doc, 200, { "content-type": "application/json; charset=utf-8" });
  });
}
