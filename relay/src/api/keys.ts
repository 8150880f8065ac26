// /keys: API keys for webhook servers, and more admin tokens (admins only). A key is shown once,
// in the answer that creates it; revoking is for good, and the key's webhooks stop counting.
import { badField, notFound } from "./errors";
import type { ApiDeps } from "./deps";
import { keyView } from "./present";
import type { Routes } from "./route";
import { keyBody, keyCreated, keyList } from "./schemas";

export function keyRoutes(r: Routes, d: ApiDeps): void {
  r.add({ method: "get", path: "/keys", tag: "keys", summary: "Every API key, revoked ones included (never the key itself)", access: "admin", status: 200, answer: keyList, errors: [403] }, async () => ({
    keys: (await d.keys.list()).map(keyView),
  }));

  r.add(
    {
      method: "post",
      path: "/keys",
      tag: "keys",
      summary: "Create an API key",
      description: "The answer's `key` is the only time the key is shown; the relay keeps a salted hash.",
      access: "admin",
      body: keyBody,
      status: 201,
      answer: keyCreated,
      errors: [403],
    },
    async ({ key, body }) => {
      body.bttns.forEach((id, i) => {
        if (!d.bttns.get(id)) throw badField("body", "bttns." + i, "no bttn " + JSON.stringify(id));
      });
      const bttns = [...new Set(body.bttns)];
      const made = await d.keys.create({ name: body.name, kind: body.kind, bttns });
      d.log.info("API key created", { id: made.key.id, name: made.key.name, kind: made.key.kind, bttns, by: key.id });
      return { ...keyView(made.key), key: made.token };
    },
  );

  r.add(
    { method: "delete", path: "/keys/{id}", tag: "keys", summary: "Revoke an API key", access: "admin", status: 204, errors: [403, 404] },
    async ({ key, param }) => {
      const id = param("id");
      if (!await d.keys.revoke(id)) throw notFound("no API key " + JSON.stringify(id));
      d.log.info("API key revoked", { id, by: key.id });
    },
  );
}
