// The relay's HTTP side: health, the REST API and callbacks mount here. Served over HTTPS when the
// relay has a certificate. The limits below keep a LAN client (or a port scanner, or a stuck script)
// from holding connections open: every connection either sends a request soon or is closed.
import { Hono } from "hono";
import type { Context } from "hono";
import { createAdaptorServer } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import { createServer as createHttpServer, Server, ServerOptions } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Socket } from "node:net";
import type { TlsPem } from "../tls-files";
import type { Logger } from "../log";
import { listen, TLS_HANDSHAKE_MS } from "../listen";

export const HTTP_LIMITS = {
  /** A connection must deliver a request's complete headers within this (counted from its first byte or, for a silent one, from connect). */
  headersTimeoutMs: 10_000,
  /** …and the whole request, body included, within this. */
  requestTimeoutMs: 15_000,
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: 5_000,
  /** A TLS client must finish its handshake within this (the mqtts listener's bound too). */
  handshakeTimeoutMs: TLS_HANDSHAKE_MS,
  /** How often Node checks the two timeouts above (its default, 30 s, would let them overrun by that much). */
  checkIntervalMs: 1_000,
  /** Connections open at once; more are closed as they arrive (and logged, at most once a minute). */
  maxConnections: 256,
};

/** The remote address of a request this server serves (undefined for one it did not, e.g. app.request in a test). */
export function clientAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

export interface HttpServerOptions {
  /** Serve HTTPS with this certificate. */
  tls?: TlsPem;
  log?: Logger;
}

export interface HttpServer {
  app: Hono;
  port: number;
  secure: boolean;
  close(): Promise<void>;
}

export async function startHttpServer(app: Hono, port: number, host?: string, o: HttpServerOptions = {}): Promise<HttpServer> {
  const L = HTTP_LIMITS;
  const httpOptions: ServerOptions = {
    headersTimeout: L.headersTimeoutMs,
    requestTimeout: L.requestTimeoutMs,
    keepAliveTimeout: L.keepAliveTimeoutMs,
    connectionsCheckingInterval: L.checkIntervalMs,
  };
  const server = (
    o.tls
      ? createAdaptorServer({ fetch: app.fetch, createServer: createHttpsServer, serverOptions: { ...httpOptions, cert: o.tls.cert, key: o.tls.key, handshakeTimeout: L.handshakeTimeoutMs } })
      : createAdaptorServer({ fetch: app.fetch, createServer: createHttpServer, serverOptions: httpOptions })
  ) as Server;
  server.maxConnections = L.maxConnections;
  let lastDropLog = 0;
  let dropped = 0;
  server.on("drop", () => {
    dropped++;
    if (Date.now() - lastDropLog < 60_000) return;
    lastDropLog = Date.now();
    o.log?.warn("http: too many connections open; new ones are closed at once", { max: L.maxConnections, dropped });
  });
  // A failed handshake (a plain-HTTP client on the HTTPS port, a client that distrusts the
  // certificate, a silent one timed out) is the client's problem: a debug line, and the socket goes
  // (with a listener here, Node would leave a timed-out handshake's socket open).
  server.on("tlsClientError", (err: Error, socket: Socket) => {
    o.log?.debug("https: TLS handshake failed", { client: socket.remoteAddress, error: err.message });
    socket.destroy();
  });
  // Sockets still in their TLS handshake are not HTTP connections yet, so closeAllConnections()
  // misses them: keep them here to cut at close.
  const raw = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    raw.add(s);
    s.once("close", () => raw.delete(s));
  });
  const bound = await listen(server, port, host);
  return {
    app,
    port: bound,
    secure: !!o.tls,
    close: () =>
      new Promise<void>((res) => {
        server.close(() => res());
        server.closeAllConnections();
        for (const s of raw) s.destroy();
      }),
  };
}
