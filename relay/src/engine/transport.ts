// The bottom of the engine's chain: sends one HTTP request with undici over keep-alive connections
// and turns every network failure into an ActionError with its protocol reason.
import { Agent, request } from "undici";
import type { Dispatcher } from "undici";
import { ActionError, HttpRequest, HttpResponse, Send, TlsOptions } from "./http";

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME|ALTNAME/;

/** Maps a thrown network error to a reason; `timedOut` says whether our own deadline fired. */
export function classifyNetworkError(err: unknown, timedOut: boolean): ActionError {
  const e = err as { code?: string; name?: string; message?: string };
  const code = e && typeof e.code === "string" ? e.code : "";
  const msg = e && typeof e.message === "string" ? e.message : String(err);
  if (timedOut || code === "UND_ERR_CONNECT_TIMEOUT" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT" || code === "ETIMEDOUT") {
    return new ActionError("timeout", "no answer in time");
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME" || code === "EAI_FAIL") {
    return new ActionError("dns", "host name did not resolve (" + code + ")");
  }
  if (code === "ECONNREFUSED" || code === "ECONNRESET" || code === "EHOSTUNREACH" || code === "ENETUNREACH" || code === "EPIPE" || code === "UND_ERR_SOCKET" || code === "UND_ERR_CLOSED") {
    return new ActionError("refused", "connection failed (" + code + ")");
  }
  if (TLS_CODES.test(code)) return new ActionError("tls", "TLS failed (" + code + ")");
  if (code === "ERR_INVALID_URL" || code === "UND_ERR_INVALID_ARG") return new ActionError("bad-request", msg);
  return new ActionError("internal", "request failed: " + (code || msg));
}

/** One undici Agent (keep-alive pool) per distinct TLS setting. */
export class Transport {
  private agents = new Map<string, Agent>();

  private agentFor(tls: TlsOptions | undefined): Agent {
    const ca = tls && tls.ca ? tls.ca : "";
    const insecure = !!(tls && tls.insecure);
    const key = (insecure ? "1" : "0") + ca;
    let agent = this.agents.get(key);
    if (!agent) {
      const connect: Record<string, unknown> = { rejectUnauthorized: !insecure };
      if (ca) connect.ca = ca;
      agent = new Agent({ keepAliveTimeout: 30_000, connections: 64, pipelining: 1, connect });
      this.agents.set(key, agent);
    }
    return agent;
  }

  readonly send: Send = async (req: HttpRequest): Promise<HttpResponse> => {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error("timeout"));
    }, req.timeoutMs);
    try {
      const res = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        dispatcher: this.agentFor(req.tls),
        signal: controller.signal,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      });
      const body = await readCapped(res.body, req.maxResponseBytes);
      return { status: res.statusCode, headers: normaliseHeaders(res.headers), body };
    } catch (err) {
      if (err instanceof ActionError) throw err;
      throw classifyNetworkError(err, timedOut);
    } finally {
      clearTimeout(timer);
    }
  };

  async close(): Promise<void> {
    const all = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(all.map((a) => a.close().catch(() => a.destroy())));
  }
}

async function readCapped(body: Dispatcher.ResponseData["body"], max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    if (size + buf.length >= max) {
      chunks.push(buf.subarray(0, max - size));
      size = max;
      body.destroy();
      break;
    }
    chunks.push(buf);
    size += buf.length;
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

function normaliseHeaders(h: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const k of Object.keys(h)) {
    const v = h[k];
    if (v !== undefined) out[k.toLowerCase()] = v;
  }
  return out;
}
