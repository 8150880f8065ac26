// /bttns/{id}/actions/{event}: set or remove one event type's action (admins; not for bttns the
// config file owns).
import type { Actions } from "../config/schema";
import { ACTION_TYPES_TEXT, eventTypeSchema } from "../config/schema";
import { writableBttn } from "./bttns";
import type { ApiDeps } from "./deps";
import { badField, notFound } from "./errors";
import { bttnInfoView } from "./present";
import type { Routes } from "./route";
import { actionBody, bttnInfo } from "./schemas";

function eventType(raw: string): keyof Actions {
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
      body: actionBody,
      status: 200,
      answer: bttnInfo,
      errors: [403, 404, 409],
    },
    ({ key, body, param }) => {
      const type = eventType(param("event"));
      const b = writableBttn(d, param("id"));
      const next = d.bttns.update(b.id, { actions: { ...b.actions, [type]: body } })!;
      d.log.info("action set through the API", { bttn: b.id, event: type, by: key.id });
      return bttnInfoView(next, true);
    },
  );

  r.add(
    { method: "delete", path: "/bttns/{id}/actions/{event}", tag: "actions", summary: "Remove the action of one event type", access: "admin", status: 204, errors: [403, 404, 409] },
    ({ key, param }) => {
      const type = eventType(param("event"));
      const b = writableBttn(d, param("id"));
      if (!b.actions[type]) throw notFound("bttn " + JSON.stringify(b.id) + " has no action for " + type);
      const actions = { ...b.actions };
      delete actions[type];
      d.bttns.update(b.id, { actions });
      d.log.info("action removed through the API", { bttn: b.id, event: type, by: key.id });
    },
  );
}
