// GET /live: the console's live view, as server-sent events (live/events.ts says which). Admins
// only; a bounded number at once (503 beyond).
import type { ApiDeps } from "./deps";
import { ApiError } from "./errors";
import type { Routes } from "./route";

export function liveRoutes(r: Routes, d: ApiDeps): void {
  const live = d.live;
  if (!live) return;
  r.add(
    {
      method: "get",
      path: "/live",
      tag: "live",
      summary: "What happens, as it happens (server-sent events)",
      description:
        "Events: `press` (taken, pending, ok, fail; virtual or not), `status` (a device's), `run` (an action run as GET /inspector/runs shows it), " +
        "`bin` (a request a bin received), `bttns` (the bttns or their actions changed: reload them). A `: ping` comment every " + live.o.pingMs / 1000 + " s. " +
        "At most " + live.o.max + " streams at once (503 beyond); a reader that falls far behind is cut off (reconnect).",
      access: "admin",
      stream: "text/event-stream",
      status: 200,
      errors: [503],
    },
    ({ c }) => {
      const body = live.open();
      if (!body) throw new ApiError(503, "too many live streams open (at most " + live.o.max + "): close one, or try again later", undefined, undefined, undefined, { "Retry-After": "5" });
      return c.body(body, 200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" });
    },
  );
}
