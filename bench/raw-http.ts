// A lean HTTP/1.1 server for the benchmark's webhook sink: keep-alive, Content-Length bodies, one
// fixed answer. Node's http module spent ~120 µs of CPU per request here, enough to starve the relay
// it was meant to measure on two cores. Handles what undici sends (no pipelining, no chunked bodies).
import { createServer, Server, Socket } from "node:net";

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export type RawHandler = (req: RawRequest) => { status: number; headers?: Record<string, string>; body?: string };

const REASON: Record<number, string> = { 200: "OK", 401: "Unauthorized", 400: "Bad Request" };

function serve(socket: Socket, handler: RawHandler): void {
  socket.setNoDelay(true);
  let buf = Buffer.alloc(0);
  socket.on("data", (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    for (;;) {
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buf.subarray(0, end).toString("latin1").split("\r\n");
      const [method, path] = head[0].split(" ");
      const headers: Record<string, string> = {};
      for (let i = 1; i < head.length; i++) {
        const c = head[i].indexOf(":");
        if (c > 0) headers[head[i].slice(0, c).toLowerCase()] = head[i].slice(c + 1).trim();
      }
      const len = Number(headers["content-length"] ?? 0);
      if (buf.length < end + 4 + len) return;
      const body = buf.subarray(end + 4, end + 4 + len);
      buf = buf.subarray(end + 4 + len);
      const res = handler({ method, path, headers, body });
      const text = res.body ?? "";
      let out = `HTTP/1.1 ${res.status} ${REASON[res.status] ?? "Status"}\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: keep-alive\r\n`;
      for (const [k, v] of Object.entries(res.headers ?? {})) out += `${k}: ${v}\r\n`;
      socket.write(out + "\r\n" + text);
    }
  });
  socket.on("error", () => socket.destroy());
}

export function startRawHttp(handler: RawHandler): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => serve(s, handler));
  return new Promise((res) => server.listen(0, "127.0.0.1", () => res({ server, port: (server.address() as { port: number }).port })));
}
