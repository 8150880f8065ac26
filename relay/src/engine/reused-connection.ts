// Tells the transport whether a failed request died on a *reused* keep-alive connection before a
// single byte of its answer arrived: the one failure worth one automatic retry (transport.ts says
// why it is safe).
//
// Undici's request API does not say which socket carried a request, so the two halves meet on the
// socket: undici announces every request it writes on the `undici:client:sendHeaders` diagnostics
// channel (a documented channel, with the socket), and the error a dying socket emits is the very
// object undici rejects the request with. Only sockets our own connector made are watched.
import { subscribe } from "node:diagnostics_channel";
import type { Socket } from "node:net";

interface SocketUse {
  /** Requests written on this socket so far, the current one included. */
  requests: number;
  /** The socket's bytesRead when the current request was written (decrypted bytes for TLS). */
  readAtSend: number;
}

const watched = new WeakMap<Socket, SocketUse>();
const diedIdle = new WeakSet<object>();

// A module-level subscription: the channel is process-wide, and one subscriber serves every
// transport. Requests on sockets we do not watch (global fetch, other agents) are ignored.
subscribe("undici:client:sendHeaders", (message) => {
  const socket = (message as { socket?: Socket }).socket;
  const use = socket ? watched.get(socket) : undefined;
  if (!socket || !use) return;
  use.requests++;
  use.readAtSend = socket.bytesRead;
});

/** Starts watching a socket the transport's connector just opened. */
export function watchSocket(socket: Socket): void {
  watched.set(socket, { requests: 0, readAtSend: 0 });
  socket.on("error", (err: unknown) => {
    const use = watched.get(socket);
    if (use && use.requests > 1 && socket.bytesRead === use.readAtSend && err !== null && typeof err === "object") diedIdle.add(err);
  });
}

/**
 * Whether `err` came from a socket that had carried an earlier request and broke before any byte
 * of the current request's answer arrived: the server closed a connection it thought idle.
 */
export function diedOnReusedConnection(err: unknown): boolean {
  return err !== null && typeof err === "object" && diedIdle.has(err);
}
