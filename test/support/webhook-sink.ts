// A real HTTP server on loopback that receives webhooks, records them and answers as a test says.
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export type Responder = (req: Received, res: ServerResponse) => void;

export interface WebhookSink {
  port: number;
  url(path?: string): string;
  received: Received[];
  /** How the next requests are answered (default 200 "ok"). */
  respond(r: Responder): void;
  close(): Promise<void>;
}

export async function startSink(host = "127.0.0.1"): Promise<WebhookSink> {
  const received: Received[] = [];
  let responder: Responder = (_q, res) => res.end("ok");
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const r: Received = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      received.push(r);
      responder(r, res);
    });
  });
  await new Promise<void>((res) => server.listen(0, host, () => res()));
  const port = (server.address() as { port: number }).port;
  const h = host.includes(":") ? "[" + host + "]" : host;
  return {
    port,
    url: (path = "/hook") => `http://${h}:${port}${path}`,
    received,
    respond: (r) => {
      responder = r;
    },
    close: () =>
      new Promise<void>((res) => {
        server.close(() => res());
        server.closeAllConnections();
      }),
  };
}
