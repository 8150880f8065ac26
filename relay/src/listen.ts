// Starts a server listening and resolves with the port it got (port 0: any free one). A failure to
// bind (EADDRINUSE, EACCES) rejects instead of throwing later as an unhandled "error" event.
import type { Server } from "node:net";

/** A TLS client (a device on mqtts, an HTTPS client) must finish its handshake within this; Node's default is 2 minutes. */
export const TLS_HANDSHAKE_MS = 10_000;

export function listen(server: Server, port: number, host?: string): Promise<number> {
  return new Promise<number>((res, rej) => {
    server.once("error", rej);
    server.listen(port, host, () => {
      server.off("error", rej);
      res((server.address() as { port: number }).port);
    });
  });
}
