// The embedded broker's mqtts listener: TLS in front of the same per-connection function the plain
// listener uses, so a device is handled alike whichever port it came in on.
import { createServer, Server } from "node:tls";
import type { Socket } from "node:net";
import type { TlsPem } from "../tls-files";
import type { Logger } from "../log";
import { TLS_HANDSHAKE_MS } from "../listen";

export interface MqttsServer {
  server: Server;
  /** Connections still in their handshake: not handed to `accept` yet, so the broker does not see them; cut them at close. */
  cutHandshaking(): void;
}

export function createMqttsServer(pem: TlsPem, accept: (socket: Socket) => void, log: Logger): MqttsServer {
  // Keyed by the peer's address and port: the TLS socket reports the same ones as the TCP socket under it.
  const handshaking = new Map<string, Socket>();
  const peer = (s: Socket) => s.remoteAddress + "|" + s.remotePort;
  const server = createServer({ cert: pem.cert, key: pem.key, handshakeTimeout: TLS_HANDSHAKE_MS }, (secure) => {
    handshaking.delete(peer(secure));
    accept(secure);
  });
  server.on("connection", (raw: Socket) => {
    const k = peer(raw);
    handshaking.set(k, raw);
    raw.once("close", () => handshaking.get(k) === raw && handshaking.delete(k));
  });
  // A failed handshake (a plain MQTT client on this port, a device that distrusts the certificate,
  // a silent one timed out): a debug line, and the socket goes (with a listener here, Node would
  // leave a timed-out handshake's socket open).
  server.on("tlsClientError", (err: Error, socket: Socket) => {
    log.debug("mqtts: TLS handshake failed", { client: socket.remoteAddress, error: err.message });
    socket.destroy();
  });
  return {
    server,
    cutHandshaking: () => {
      for (const s of handshaking.values()) s.destroy();
    },
  };
}
