// Performs one HTTP action: builds the layer chain the action asks for (auth, redirects) over the
// shared transport, sends, and classifies the outcome. Knows nothing of MQTT or the store.
import type { Reason } from "@bttn/shared";
import type { HttpAction } from "../config/schema";
import { ActionError, compose, HttpRequest, Layer, Send } from "./http";
import { Transport } from "./transport";

export interface Outcome {
  ok: boolean;
  status?: number;
  reason?: Reason;
  /** Why it failed, for the log and the run record; never holds secrets. */
  error?: string;
  durationMs: number;
}

export type LayerFactory = (action: HttpAction) => Layer | undefined;

export class ActionEngine {
  private chains = new WeakMap<HttpAction, Send>();
  private factories: LayerFactory[] = [];

  constructor(readonly transport: Transport = new Transport()) {}

  /** Adds a layer that actions may ask for; the first added is the outermost. */
  use(factory: LayerFactory): this {
    this.factories.push(factory);
    return this;
  }

  /** One chain per action definition, so per-action state (a Digest nonce) lives as long as it. */
  private chainFor(action: HttpAction): Send {
    let send = this.chains.get(action);
    if (!send) {
      const layers: Layer[] = [];
      for (const f of this.factories) {
        const l = f(action);
        if (l) layers.push(l);
      }
      send = compose(this.transport.send, layers);
      this.chains.set(action, send);
    }
    return send;
  }

  async perform(action: HttpAction, req: HttpRequest): Promise<Outcome> {
    const started = performance.now();
    const ms = () => Math.round((performance.now() - started) * 10) / 10;
    try {
      const res = await this.chainFor(action)({ ...req, deadline: req.deadline ?? Date.now() + req.timeoutMs });
      if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, durationMs: ms() };
      return { ok: false, status: res.status, reason: "http", error: "HTTP " + res.status, durationMs: ms() };
    } catch (err) {
      const e = err instanceof ActionError ? err : new ActionError("internal", "unexpected: " + (err as Error).message);
      return { ok: false, status: e.code, reason: e.reason, error: e.message, durationMs: ms() };
    }
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
