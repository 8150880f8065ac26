// What a bttn did and how it is: its feed of events with their action runs, its counters, and the
// device's last known status. Read by its keys and by admins.
import { redactCallbackTokens } from "../redact";
import type { FeedEntry } from "../store/events";
import { bttnFor } from "./auth";
import type { ApiDeps } from "./deps";
import type { Routes } from "./route";
import { countersAnswer, feedAnswer, feedQuery, statusAnswer } from "./schemas";

export function activityRoutes(r: Routes, d: ApiDeps): void {
  r.add(
    {
      method: "get",
      path: "/bttns/{id}/feed",
      tag: "activity",
      summary: "Events with their action runs",
      description: "Newest first; with `after`, the events after that id, oldest first (to follow the feed).",
      access: "key",
      query: feedQuery,
      status: 200,
      answer: feedAnswer,
      errors: [403, 404],
    },
    async ({ key, param, query }) => ({ events: (await d.events.feed(bttnFor(d.bttns, key, param("id")).id, query)).map(withoutCallbackTokens) }),
  );

  r.add(
    { method: "get", path: "/bttns/{id}/counter", tag: "activity", summary: "Event counts by type", access: "key", status: 200, answer: countersAnswer, errors: [403, 404] },
    async ({ key, param }) => await d.events.getCounters(bttnFor(d.bttns, key, param("id")).id),
  );

  r.add(
    {
      method: "get",
      path: "/bttns/{id}/status",
      tag: "activity",
      summary: "Online, firmware, battery, signal, last heard",
      access: "key",
      status: 200,
      answer: statusAnswer,
      errors: [403, 404],
    },
    async ({ key, param }) => await d.status.get(bttnFor(d.bttns, key, param("id")).id),
  );
}

/** Runs recorded before callback tokens were redacted on the way in may still hold one. */
function withoutCallbackTokens(e: FeedEntry): FeedEntry {
  return { ...e, runs: e.runs.map((r) => ({ ...r, url: redactCallbackTokens(r.url), error: r.error === null ? null : redactCallbackTokens(r.error) })) };
}
