// Runs one HTTP action for one press: builds the request from the action and the press (the URL,
// or the dynamic one a server registered; tags; TLS settings), sends it through the layer chain the
// action asks for (auth, redirects) over the shared transport, and classifies the outcome. Its one
// entry is `run`; it knows nothing of MQTT, the store or async callbacks.
import type { Reason } from "@bttn/shared";
import type { HttpAction } from "../config/schema";
import { createLogger, Logger } from "../log";
import { buildRequest } from "./build";
import { checkDynamicTarget } from "./dynamic-origins";
import { ActionError, compose, HttpRequest, HttpResponse, Layer, Send } from "./http";
import { ActionPress, tagContext } from "./press";
import { resolveTls } from "./tls";
import { Transport } from "./transport";

export type { ActionPress } from "./press";

export interface Outcome {
  ok: boolean;
  status?: number;
  reason?: Reason;
  /** Why it failed, for the log and the run record; never holds secrets. */
  error?: string;
  durationMs: number;
  /**
   * The request as built from the action and the press, before a layer added credentials (an
   * Authorization header); absent when it could not be built (no dynamic URL, a bad URL).
   */
  sent?: HttpRequest;
  /** The last answer (after redirects and auth retries), when one came, good or bad. */
  answer?: HttpResponse;
}

export type LayerFactory = (action: HttpAction) => Layer | undefined;

export interface EngineOptions {
  transport?: Transport;
  /** Warnings about an action's settings (TLS validation turned off). */
  log?: Logger;
  /** The time zone of date tags when the bttn has none. */
  timeZone?: string;
}

export class ActionEngine {
  private chains = new WeakMap<HttpAction, Send>();
  private factories: LayerFactory[] = [];
  readonly transport: Transport;
  private readonly log: Logger;

  constructor(private readonly o: EngineOptions = {}) {
    this.transport = o.transport ?? new Transport();
    this.log = o.log ?? createLogger("silent");
  }

  /** Adds a layer that actions may ask for; the first added is the outermost. */
  use(factory: LayerFactory): this {
    this.factories.push(factory);
    return this;
  }

  /**
   * The request a press sends for an action, credentials aside (the auth layer adds them). Throws
   * an ActionError when there is none to send: no dynamic URL registered, or not a valid URL.
   */
  request(action: HttpAction, press: ActionPress): HttpRequest {
    let url = action.url;
    const dynamic = url === "dynamic";
    if (dynamic) {
      const registered = press.dynamicUrl;
      if (!registered) throw new ActionError("no-webhook", "no webhook URL is registered for this bttn");
      url = registered;
      checkDynamicTarget(action, url);
    }
    const tls = resolveTls(action, this.log, press.bttn.id + "/" + press.type);
    return buildRequest(action, url, dynamic, tagContext(press, this.o.timeZone), tls, { bttn: press.bttn.id, boot: press.boot, seq: press.seq });
  }

  /** Runs an action for a press and says how it went; never throws. */
  async run(action: HttpAction, press: ActionPress): Promise<Outcome> {
    const started = performance.now();
    const ms = () => Math.round((performance.now() - started) * 10) / 10;
    let sent: HttpRequest | undefined;
    try {
      sent = this.request(action, press);
      const answer = await this.chainFor(action)({ ...sent, deadline: Date.now() + sent.timeoutMs });
      if (answer.status >= 200 && answer.status < 300) return { ok: true, status: answer.status, durationMs: ms(), sent, answer };
      return { ok: false, status: answer.status, reason: "http", error: "HTTP " + answer.status, durationMs: ms(), sent, answer };
    } catch (err) {
      const e = err instanceof ActionError ? err : new ActionError("internal", "unexpected: " + (err as Error).message);
      return { ok: false, status: e.code, reason: e.reason, error: e.message, durationMs: ms(), sent };
    }
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

  close(): Promise<void> {
    return this.transport.close();
  }
}
