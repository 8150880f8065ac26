// Raw TCP connections for listener tests: open one, optionally send bytes, and learn when the
// server closed it (bounded: a socket still open after `ms` resolves with Infinity and is cut).
import { connect, Socket } from "node:net";

export interface OpenSocket {
  socket: Socket;
  /** Milliseconds from connect until the server closed it; Infinity if still open after `ms`. */
  closedAfter(ms: number): Promise<number>;
}

export function openSocket(port: number, send?: string, host = "127.0.0.1"): Promise<OpenSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    let closedAt = 0;
    socket.on("data", () => {});
    socket.on("error", () => {});
    socket.once("close", () => (closedAt = performance.now()));
    socket.once("connect", () => {
      const openedAt = performance.now();
      if (send) socket.write(send);
      resolve({
        socket,
        closedAfter: (ms) =>
          new Promise((res) => {
            if (closedAt) return res(closedAt - openedAt);
            const timer = setTimeout(() => (socket.destroy(), res(Infinity)), ms);
            socket.once("close", () => (clearTimeout(timer), res(performance.now() - openedAt)));
          }),
      });
    });
    socket.once("error", reject);
  });
}
