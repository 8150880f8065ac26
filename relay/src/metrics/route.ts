// GET /metrics, for Prometheus. By default it needs an admin token, like the REST API (bttn ids and
// how often each is pressed say something about a household); `relay.metrics: "open"` (or
// --metrics-open) serves it to anyone who reaches the port, for a scraper without credentials, and
// "off" serves nothing.
import type { Hono } from "hono";
import { authenticate, ClientAddress, requireAdmin } from "../api/auth";
import { ApiError, errorAnswer } from "../api/errors";
import type { Logger } from "../log";
import type { KeyRepo } from "../store/store";
import type { MetricsAccess } from "./access";
import type { RelayMetrics } from "./metrics";

export const METRICS_PATH = "/metrics";

export function mountMetrics(app: Hono, metrics: RelayMetrics, access: MetricsAccess, who: { keys: KeyRepo; log: Logger; clientAddress: ClientAddress }): void {
  if (access === "off") return;
  app.get(METRICS_PATH, async (c) => {
    if (access === "admin") {
      try {
        requireAdmin(await authenticate(c, who.keys, who.log, who.clientAddress));
      } catch (e) {
        if (e instanceof ApiError) return errorAnswer(c, e);
        throw e;
      }
    }
    const { text, contentType } = await metrics.scrape();
    return c.body(text, 200, { "Content-Type": contentType, "Cache-Control": "no-store" });
  });
}
