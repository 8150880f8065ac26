// Starts a server listening and resolves with the port it got (port 0: any free one). A failure to
// bind (EADDRINUSE, EACCES) rejects instead of throwing later as an unhandled "error" event.
import { createServer, Server } from "node:net";

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

/**
 * Fails (EADDRINUSE, EACCES) if a server could not listen on `port` now: checked before the relay
 * creates anything in its data directory, so a start that cannot bind leaves no database (and no
 * admin token) behind. Port 0 (any free one) always can.
 */
export async function checkPortFree(port: number, host?: string): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await listen(probe, port, host);
  await new Promise<void>((res) => probe.close(() => res()));
}
