// /bttns/{id}/actions/{event}: set or remove one event type's action (admins; not for bttns the
// config file owns).
import type { Actions } from "../config/schema";
import { ACTION_TYPES_TEXT, eventTypeSchema } from "../config/schema";
import { writableBttn } from "./bttns";
import type { ApiDeps } from "./deps";
import { badField, notFound } from "./errors";
import { bttnInfoView } from "./present";
import type { Routes } from "./route";
import { fillActionBody, keepStoredSecrets } from "./write-only";
import { actionBody, bttnInfo } from "./schemas";

export function eventType(raw: string): keyof Actions {
  const t = eventTypeSchema.safeParse(raw);
  if (!t.success) throw badField("path", "event", "must be one of " + ACTION_TYPES_TEXT);
  return t.data;
}

export function actionRoutes(r: Routes, d: ApiDeps): void {
  r.add(
    {
      method: "put",
      path: "/bttns/{id}/actions/{event}",
      tag: "actions",
      summary: "Set the action of one event type",
      access: "admin",
      description: 'Secrets are write-only: a value sent back as GET showed it ("[redacted]"), or an `auth` without a password, keeps the stored one.',
      body: actionBody,
      fill: fillActionBody,
      status: 200,
      answer: bttnInfo,
      errors: [403, 404, 409],
    },
    async ({ key, body, param }) => {
      const type = eventType(param("event"));
      const b = writableBttn(d, param("id"));
      const http = keepStoredSecrets(body.http, b.actions[type]?.http, "http.");
      const next = (await d.bttns.update(b.id, { actions: { ...b.actions, [type]: { http } } }))!;
      d.log.info("action set through the API", { bttn: b.id, event: type, by: key.id });
      return bttnInfoView(next, true);
    },
  );

  r.add(
    { method: "delete", path: "/bttns/{id}/actions/{event}", tag: "actions", summary: "Remove the action of one event type", access: "admin", status: 204, errors: [403, 404, 409] },
    async ({ key, param }) => {
      const type = eventType(param("event"));
      const b = writableBttn(d, param("id"));
      if (!b.actions[type]) throw notFound("bttn " + JSON.stringify(b.id) + " has no action for " + type);
      const actions = { ...b.actions };
      delete actions[type];
      await d.bttns.update(b.id, { actions });
      d.log.info("action removed through the API", { bttn: b.id, event: type, by: key.id });
    },
  );
}
