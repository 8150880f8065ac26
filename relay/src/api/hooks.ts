// /hooks: a webhook server registers the URL that a bttn's `"url": "dynamic"` action calls.
import { bttnFor } from "./auth";
import type { ApiDeps } from "./deps";
import { badField, conflict, notFound } from "./errors";
import { hookView } from "./present";
import type { Routes } from "./route";
import { hookAnswer, hookBody, hookList } from "./schemas";
import type { ApiKey } from "../store/keys";
import { MAX_HOOKS_PER_KEY } from "../store/hooks";
import { registrationProblem } from "../engine/dynamic-origins";

/** The bttn a registration is for when the body leaves it out: the key's only bttn. */
function onlyBttn(key: ApiKey): string {
  if (key.kind === "admin") throw badField("body", "bttn", "required with an admin token");
  if (key.bttns.length !== 1) throw badField("body", "bttn", "required: this key acts for " + key.bttns.join(", "));
  return key.bttns[0];
}

export function hookRoutes(r: Routes, d: ApiDeps): void {
  r.add(
    {
      method: "post",
      path: "/hooks",
      tag: "hooks",
      summary: "Register a webhook URL for a bttn",
      description:
        "The bttn's dynamic actions call the URL most recently registered for it. The same key registering the same URL again gets the same hook back, made the newest. " +
        "A dynamic action that sends credentials or headers calls only the origins in its `dynamicOrigins`: a URL elsewhere is refused (400, naming the allowed origins).",
      access: "key",
      body: hookBody,
      status: 201,
      answer: hookAnswer,
      errors: [403, 404, 409],
    },
    async ({ key, body }) => {
      const bttn = bttnFor(d.bttns, key, body.bttn ?? onlyBttn(key));
      const refused = registrationProblem(bttn.actions, body.url);
      if (refused) throw badField("body", "url", refused);
      const r = await d.hooks.register({ bttn: bttn.id, url: body.url, keyId: key.id });
      if ("full" in r) throw conflict("this key has " + MAX_HOOKS_PER_KEY + " webhooks already: delete some first");
      d.log.info(r.fresh ? "webhook registered" : "webhook registered again", { hook: r.hook.id, bttn: bttn.id, by: key.id, url: r.hook.url });
      return hookView(r.hook);
    },
  );

  r.add(
    { method: "get", path: "/hooks", tag: "hooks", summary: "The key's webhooks (an admin sees all)", access: "key", status: 200, answer: hookList },
    async ({ key }) => ({ hooks: (await d.hooks.list(key.kind === "admin" ? undefined : key.id)).map(hookView) }),
  );

  r.add(
    { method: "delete", path: "/hooks/{id}", tag: "hooks", summary: "Delete a webhook of this key (an admin: any)", access: "key", status: 204, errors: [404] },
    async ({ key, param }) => {
      const id = param("id");
      if (!await d.hooks.remove(id, key)) throw notFound("no webhook " + JSON.stringify(id) + " of this key");
      d.log.info("webhook deleted", { hook: id, by: key.id });
    },
  );
}
