// GET /healthz: is the relay up, which broker does it use, is it connected, can it write its
// database, what has it done. 503 when the broker is not connected or the store is in trouble.
import type { Hono } from "hono";
import type { Bus } from "../bus/bus";
import type { Pipeline } from "../pipeline";
import type { StoreHealth } from "../store/health";

export function mountHealth(app: Hono, bus: Bus, pipeline: Pipeline, startedAt: number, bttnCount: () => number, store?: () => StoreHealth): void {
  app.get("/healthz", (c) => {
    const connected = bus.connected();
    const storeNow = store?.();
    const ok = connected && (storeNow?.ok ?? true);
    return c.json(
      {
        ok,
        broker: { mode: bus.mode, connected, ...bus.info() },
        store: storeNow,
        uptimeS: Math.round((Date.now() - startedAt) / 1000),
        bttns: bttnCount(),
        actionsInFlight: pipeline.pending,
        counts: pipeline.stats,
        memoryMb: memoryMb(),
      },
      ok ? 200 : 503,
    );
  });
}

function memoryMb(): Record<string, number> {
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 1048576);
  return { rss: mb(m.rss), heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) };
}
