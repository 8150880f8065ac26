// The request inspector over the API: the last action runs with the request as sent and the answer
// (masked), newest first, for admins. The web console reads it; live updates come with its stream.
import type { ApiDeps } from "./deps";
import { ApiError } from "./errors";
import type { Routes } from "./route";
import { inspectedRun, inspectorAnswer, inspectorQuery } from "./schemas";

export function inspectorRoutes(r: Routes, d: ApiDeps): void {
  const inspector = d.inspector;
  if (!inspector) return;
  r.add(
    {
      method: "get",
      path: "/inspector/runs",
      tag: "inspector",
      summary: "The last action runs, newest first",
      description: "Kept in memory only (relay.inspector.runs, default 500); a restart empties it. Filter by bttn, outcome and time.",
      access: "admin",
      query: inspectorQuery,
      status: 200,
      answer: inspectorAnswer,
    },
    ({ query }) => ({ kept: { ...inspector.bounds }, runs: inspector.list(query) }),
  );
  r.add(
    { method: "get", path: "/inspector/runs/{id}", tag: "inspector", summary: "One action run", access: "admin", status: 200, answer: inspectedRun, errors: [404] },
    ({ param }) => {
      const run = inspector.get(Number(param("id")));
      if (!run) throw new ApiError(404, "no such run (the inspector keeps the last " + inspector.bounds.runs + ")", "id", "path");
      return run;
    },
  );
}
