// GET /healthz: is the relay up, which broker does it use, is it connected, what has it done.
import type { Hono } from "hono";
import type { Bus } from "../bus/bus";
import type { Pipeline } from "../pipeline";

export function mountHealth(app: Hono, bus: Bus, pipeline: Pipeline, startedAt: number, bttnCount: () => number): void {
  app.get("/healthz", (c) => {
    const connected = bus.connected();
    return c.json(
      {
        ok: connected,
        broker: { mode: bus.mode, connected, ...bus.info() },
        uptimeS: Math.round((Date.now() - startedAt) / 1000),
        bttns: bttnCount(),
        actionsInFlight: pipeline.pending,
        counts: pipeline.stats,
        memoryMb: memoryMb(),
      },
      connected ? 200 : 503,
    );
  });
}

function memoryMb(): Record<string, number> {
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 1048576);
  return { rss: mb(m.rss), heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) };
}
