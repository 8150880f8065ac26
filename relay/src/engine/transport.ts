// The bottom of the engine's chain: sends one HTTP request with undici over keep-alive connections
// and turns every network failure into an ActionError with its protocol reason.
import { rootCertificates } from "node:tls";
import type { LookupFunction } from "node:net";
import { Agent, buildConnector } from "undici";
import { cappedRequest, DeadlineError } from "./capped-request";
import { ActionError, HttpRequest, HttpResponse, Send, TlsOptions } from "./http";
import { classifyNetworkError } from "./network-errors";
import { diedOnReusedConnection, watchSocket } from "./reused-connection";

export { classifyNetworkError } from "./network-errors";

// The action's deadline decides a press (capped-request.ts); this only bounds how long a connection
// attempt that nobody waits for any more may hold a socket and a pool slot.
const CONNECT_TIMEOUT_MS = 10_000;

// Codes of a connection that died under a request: the server closed (FIN) or reset it.
const CONNECTION_LOST = new Set(["UND_ERR_SOCKET", "ECONNRESET", "EPIPE"]);

// Methods whose repeat has the effect of one request (RFC 9110 section 9.2.2): the only ones the
// transport ever sends again on its own. POST and PATCH are not: a server may have read the
// request and acted before the connection broke.
const RESENDABLE = new Set(["GET", "PUT", "DELETE"]);

// Idle keep-alive connections must be closed by us before the server closes them: a request that
// meets a connection the server is tearing down may have been read (and acted on) or not, and a
// POST cannot be sent again to find out. Undici reads the server's `Keep-Alive: timeout=N` hint
// and keeps the connection N s minus KEEP_ALIVE_MARGIN_MS; without a hint, KEEP_ALIVE_IDLE_MS,
// below the 5 s that Node, Apache and lighttpd use by default.
const KEEP_ALIVE_IDLE_MS = 4_000;
const KEEP_ALIVE_MARGIN_MS = 1_000;
// A hint of several minutes is believed up to this much (undici's own default is 10 minutes).
const KEEP_ALIVE_MAX_MS = 60_000;

export interface TransportOptions {
  /** How host names resolve (default: the system resolver). Tests point it at their own DNS server. */
  lookup?: LookupFunction;
}

/** One undici Agent (keep-alive pool) per distinct TLS setting. */
export class Transport {
  private agents = new Map<string, Agent>();
  /** Requests sent again after a reused connection failed before any answer (see send). */
  readonly stats = { retries: 0 };

  constructor(private readonly opts: TransportOptions = {}) {}

  private agentFor(tls: TlsOptions | undefined): Agent {
    const ca = tls && tls.ca ? tls.ca : "";
    const insecure = !!(tls && tls.insecure);
    const key = (insecure ? "1" : "0") + ca;
    let agent = this.agents.get(key);
    if (!agent) {
      const options: buildConnector.BuildOptions = { rejectUnauthorized: !insecure, timeout: CONNECT_TIMEOUT_MS };
      // Node's `ca` replaces the bundled roots: keep them, so an action that trusts a private CA
      // can still reach public hosts (a redirect to one, or a server that changes certificates).
      if (ca && !insecure) options.ca = [...rootCertificates, ca];
      if (this.opts.lookup) options.lookup = this.opts.lookup;
      const base = buildConnector(options);
      const connect: buildConnector.connector = (o, cb) =>
        base(o, (...args) => {
          if (args[1]) watchSocket(args[1]);
          cb(...args);
        });
      agent = new Agent({
        keepAliveTimeout: KEEP_ALIVE_IDLE_MS,
        keepAliveTimeoutThreshold: KEEP_ALIVE_MARGIN_MS,
        keepAliveMaxTimeout: KEEP_ALIVE_MAX_MS,
        connections: 64,
        pipelining: 1,
        connect,
      });
      this.agents.set(key, agent);
    }
    return agent;
  }

  /**
   * Sends a request within its time limit: `timeoutMs` for this send and the chain's `deadline`,
   * whichever comes first, covering connect, TLS, headers and the (capped) body.
   *
   * One retry, for one case only: a GET, PUT or DELETE on a reused keep-alive connection that
   * broke before a single byte of the answer arrived. That is mostly a server closing a connection
   * it considered idle just as our request went out; but a server may also have read the request,
   * acted on it and then closed or reset the connection, and from here the two look the same. A
   * repeat of those methods does no harm (they are idempotent), so they get a fresh connection.
   * POST and PATCH never go out twice: their press fails (`refused`) instead, because each press
   * fires once. A new connection that fails, any failure after an answer byte, and our own
   * deadline are never retried, whatever the method.
   */
  readonly send: Send = async (req: HttpRequest): Promise<HttpResponse> => {
    const deadline = Math.min(Date.now() + req.timeoutMs, req.deadline ?? Infinity);
    for (let attempt = 1; ; attempt++) {
      const ms = deadline - Date.now();
      if (ms <= 0) throw deadlinePassed(req);
      try {
        return await cappedRequest(this.agentFor(req.tls), req, ms);
      } catch (err) {
        if (err instanceof DeadlineError) throw deadlinePassed(req);
        if (attempt === 1 && RESENDABLE.has(req.method) && isConnectionLost(err) && diedOnReusedConnection(err)) {
          this.stats.retries++;
          continue;
        }
        throw classifyNetworkError(err);
      }
    }
  };

  /**
   * Drops every connection. The relay closes the engine after its actions finished, so what is
   * left is idle keep-alive connections and attempts whose press already timed out: a graceful
   * close would wait for those (up to CONNECT_TIMEOUT_MS) for nothing.
   */
  async close(): Promise<void> {
    const all = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(all.map((a) => a.destroy().catch(() => {})));
  }
}

function deadlinePassed(req: HttpRequest): ActionError {
  return new ActionError("timeout", "no complete answer within the action's " + req.timeoutMs + " ms");
}

function isConnectionLost(err: unknown): boolean {
  const code = err !== null && typeof err === "object" ? (err as { code?: unknown }).code : undefined;
  return typeof code === "string" && CONNECTION_LOST.has(code);
}
