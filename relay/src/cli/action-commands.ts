// `bttn-relay action set|update|remove|show`: a bttn's actions in the database, edited directly; a
// running relay picks the change up within a second (it watches the database). Bttns declared in
// the config file are the file's: these commands only show them.
import { ACTION_EVENT_TYPES, ActionEventType } from "@bttn/shared";
import { redactAction } from "../api/present";
import { ACTION_TYPES_TEXT, actionsSchema, HttpAction } from "../config/schema";
import type { Bttn } from "../store/bttns";
import type { BttnRepo } from "../store/store";
import { ActionEdit, applyActionEdit } from "./action-edit";
import { StoreAt, withStore } from "./cli-store";
import { UsageError } from "./options";

export function eventType(type: string): ActionEventType {
  if (!(ACTION_EVENT_TYPES as readonly string[]).includes(type)) throw new UsageError("event type " + JSON.stringify(type) + ": must be one of " + ACTION_TYPES_TEXT);
  return type as ActionEventType;
}

export function bttnIn(s: BttnRepo, id: string): Bttn {
  const b = s.get(id);
  if (!b) throw new UsageError("no bttn " + JSON.stringify(id) + " (bttn list shows them)");
  return b;
}

/** The stored action of a bttn for an event type, or a clear error. */
export function actionOf(b: Bttn, type: ActionEventType): HttpAction {
  const a = b.actions[type]?.http;
  if (!a) throw new UsageError(`bttn ${b.id} has no action for ${type} (it has ${Object.keys(b.actions).join(", ") || "none"})`);
  return a;
}

async function edit(at: StoreAt, id: string, type: string, what: string, change: (b: Bttn) => Promise<HttpAction | undefined>): Promise<void> {
  const t = eventType(type);
  await withStore(at, async (store) => {
    const s = store.bttns;
    const b = bttnIn(s, id);
    if (b.origin === "file") throw new UsageError(`bttn ${id} is declared in the config file: ${what} its actions there`);
    // A prompt for a password may come in between: the store is read again before writing.
    const action = await change(b);
    await s.refresh();
    const now = bttnIn(s, id);
    const next: Record<string, unknown> = { ...now.actions, [t]: { http: action } };
    if (!action) delete next[t];
    await s.update(id, { actions: actionsSchema.parse(next) });
  });
}

/** Replaces the whole action: what the flags do not say gets its default. */
export function setAction(at: StoreAt, id: string, type: string, e: ActionEdit): Promise<void> {
  return edit(at, id, type, "set", () => applyActionEdit({}, e));
}

/** Changes the fields the flags give, and removes or resets what they say; the rest stays. */
export function updateAction(at: StoreAt, id: string, type: string, e: ActionEdit): Promise<void> {
  return edit(at, id, type, "change", (b) => applyActionEdit(actionOf(b, eventType(type)) as unknown as Record<string, unknown>, e));
}

export function removeAction(at: StoreAt, id: string, type: string): Promise<void> {
  return edit(at, id, type, "remove", async (b) => {
    actionOf(b, eventType(type));
    return undefined;
  });
}

/** The action as the API shows it to an admin: secrets masked. */
export function showAction(at: StoreAt, id: string, type: string): Promise<HttpAction> {
  const t = eventType(type);
  return withStore(at, (store) => redactAction(actionOf(bttnIn(store.bttns, id), t)));
}
