// The relay's HTTP side: health now; the REST API, callbacks and the web page mount here.
import { Hono } from "hono";
import { getRequestListener } from "@hono/node-server";
import { createServer, Server } from "node:http";

export interface HttpServer {
  app: Hono;
  port: number;
  close(): Promise<void>;
}

export async function startHttpServer(app: Hono, port: number, host?: string): Promise<HttpServer> {
  const server: Server = createServer(getRequestListener(app.fetch));
  server.keepAliveTimeout = 5_000;
  server.requestTimeout = 15_000;
  await new Promise<void>((res, rej) => {
    server.once("error", rej);
    server.listen(port, host, () => res());
  });
  return {
    app,
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((res) => {
        server.close(() => res());
        server.closeAllConnections();
      }),
  };
}
