// GET /healthz: is the relay up, which broker does it use, is it connected, can it write its
// database, what has it done. 503 when the broker is not connected or the store is in trouble.
import type { Hono } from "hono";
import type { Bus } from "../bus/bus";
import type { Pipeline } from "../press/pipeline";
import type { StoreHealth } from "../store/health";
import type { PressGate } from "../limits/press-gate";

export function mountHealth(app: Hono, bus: Bus, pipeline: Pipeline, startedAt: number, bttnCount: () => number, store?: () => StoreHealth, gate?: PressGate): void {
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
        // Backpressure: presses in progress, waiting unacknowledged for room, and the bound.
        presses: gate && { inProgress: gate.size, waiting: gate.waiting, bound: gate.bound, peak: gate.stats.peak, pauses: gate.stats.pauses },
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
