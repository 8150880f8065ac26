// Small real servers on loopback for transport tests: a Node HTTP(S) server with a handler, and a
// raw TCP (or TLS) server that speaks just enough HTTP/1.1 to misbehave on purpose (close a
// keep-alive connection as a request arrives, answer half, answer garbage, never answer).
import { createServer as createHttpServer, IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect, createServer as createNetServer, Server as NetServer, Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";

export interface TlsIdentity {
  key: string;
  cert: string;
}

export interface TestServer {
  port: number;
  /** `http://127.0.0.1:PORT/path` (or https, or `[::1]`). */
  url(path?: string): string;
  /** Connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

function urlFor(scheme: string, host: string, port: number) {
  const h = host.includes(":") ? "[" + host + "]" : host;
  return (path = "/") => scheme + "://" + h + ":" + port + path;
}

async function listen(server: NetServer | HttpServer, host: string): Promise<number> {
  await new Promise<void>((res, rej) => {
    server.once("error", rej);
    server.listen(0, host, () => res());
  });
  return (server.address() as { port: number }).port;
}

function tracked(server: NetServer | HttpServer) {
  const sockets = new Set<Socket>();
  const counter = { connections: 0 };
  server.on("connection", (s: Socket) => {
    counter.connections++;
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  const close = () =>
    new Promise<void>((res) => {
      server.close(() => res());
      for (const s of sockets) s.destroy();
    });
  return { counter, close };
}

export type Handler = (req: IncomingMessage & { body: string }, res: ServerResponse) => void;

/** A Node HTTP server (HTTPS with `tls`) that reads each request's body before calling `handler`. */
export async function httpServer(handler: Handler, opts: { host?: string; tls?: TlsIdentity; keepAliveTimeout?: number } = {}): Promise<TestServer & { requests: number }> {
  const host = opts.host ?? "127.0.0.1";
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      out.requests++;
      handler(Object.assign(req, { body: Buffer.concat(chunks).toString("utf8") }), res);
    });
  };
  const server = opts.tls ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, onRequest) : createHttpServer(onRequest);
  if (opts.keepAliveTimeout !== undefined) server.keepAliveTimeout = opts.keepAliveTimeout;
  const t = tracked(server);
  // TLS failures are the point of some tests; the server just drops those clients.
  server.on("tlsClientError", () => {});
  const port = await listen(server, host);
  const out = {
    port,
    requests: 0,
    url: urlFor(opts.tls ? "https" : "http", host, port),
    get connections() {
      return t.counter.connections;
    },
    close: t.close,
  };
  return out;
}

export interface RawRequest {
  head: string;
  body: string;
  /** 1 for the first request on its connection, 2 for the next, ... */
  onConnection: number;
}

/**
 * A TCP server (TLS with `tls`) that hands each complete HTTP/1.1 request (headers and a
 * Content-Length body) to `onRequest` with its socket, to answer (or not) as the test pleases.
 */
export async function rawServer(onRequest: (req: RawRequest, socket: Socket) => void, opts: { host?: string; tls?: TlsIdentity } = {}): Promise<TestServer & { requests: RawRequest[] }> {
  const host = opts.host ?? "127.0.0.1";
  const requests: RawRequest[] = [];
  const onSocket = (socket: Socket) => {
    let buf = Buffer.alloc(0);
    let n = 0;
    socket.on("error", () => {});
    socket.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = buf.subarray(0, end).toString("latin1");
        const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        const len = m ? Number(m[1]) : 0;
        if (buf.length < end + 4 + len) return;
        const req: RawRequest = { head, body: buf.subarray(end + 4, end + 4 + len).toString("utf8"), onConnection: ++n };
        buf = buf.subarray(end + 4 + len);
        requests.push(req);
        onRequest(req, socket);
        if (socket.destroyed) return;
      }
    });
  };
  const server = opts.tls ? createTlsServer({ key: opts.tls.key, cert: opts.tls.cert }, onSocket) : createNetServer(onSocket);
  const t = tracked(server);
  const port = await listen(server, host);
  return {
    port,
    requests,
    url: urlFor(opts.tls ? "https" : "http", host, port),
    get connections() {
      return t.counter.connections;
    },
    close: t.close,
  };
}

/** A TCP server that accepts connections and never sends a byte (not even a TLS handshake). */
export async function silentServer(host = "127.0.0.1"): Promise<TestServer> {
  const server = createNetServer((s) => s.on("error", () => {}));
  const t = tracked(server);
  const port = await listen(server, host);
  return {
    port,
    url: urlFor("http", host, port),
    get connections() {
      return t.counter.connections;
    },
    close: t.close,
  };
}

/** A loopback port with nothing listening on it (refused connections). */
export async function closedPort(host = "127.0.0.1"): Promise<number> {
  const server = createNetServer();
  const port = await listen(server, host);
  await new Promise<void>((res) => server.close(() => res()));
  return port;
}

/** `HTTP/1.1 <status>` with a body and Content-Length, keep-alive. */
export function answer(status: number, body = "ok", headers: Record<string, string> = {}): string {
  let s = "HTTP/1.1 " + status + " X\r\nContent-Length: " + Buffer.byteLength(body) + "\r\n";
  for (const k of Object.keys(headers)) s += k + ": " + headers[k] + "\r\n";
  return s + "\r\n" + body;
}

/**
 * A TCP proxy to `targetPort` that holds each connection for `delayMs` before passing bytes on:
 * a slow connect or TLS handshake, seen from the client.
 */
export async function delayProxy(targetPort: number, delayMs: number, host = "127.0.0.1"): Promise<TestServer> {
  const server = createNetServer((client) => {
    client.pause();
    client.on("error", () => {});
    const timer = setTimeout(() => {
      const upstream = connect(targetPort, host, () => {
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      upstream.on("error", () => client.destroy());
      client.on("close", () => upstream.destroy());
    }, delayMs);
    client.on("close", () => clearTimeout(timer));
  });
  const t = tracked(server);
  const port = await listen(server, host);
  return {
    port,
    url: urlFor("http", host, port),
    get connections() {
      return t.counter.connections;
    },
    close: t.close,
  };
}
