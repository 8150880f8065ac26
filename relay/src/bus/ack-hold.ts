// Holds back a device's PUBACK until the relay's answer to that device is written, so that both leave
// in one TCP write. On a small box a loopback write costs the relay ~20 µs of CPU, and a press cost
// three of them (PUBACK, webhook request, result); now it costs two, and the device reads once.
// MQTT allows a late PUBACK, and the bttn firmware resends unacknowledged presses only after a
// reconnect. A hold never lasts much longer than HOLD_MAX_MS, so an event that gets no answer (a
// heartbeat, a rejected message) is still acknowledged promptly; an action slower than that gets its
// PUBACK first and its `pending` or result later.
import type { Socket } from "node:net";

export const HOLD_MAX_MS = 40;

interface Held {
  socket: Socket;
  corks: number;
  since: number;
}

export class AckHold {
  private held = new Map<string, Held>();
  private sweeper: NodeJS.Timeout | undefined;

  /** An event from `bttnId` arrived on `socket`: keep what is written to the socket until release. */
  hold(bttnId: string, socket: Socket): void {
    let h = this.held.get(bttnId);
    if (h && h.socket !== socket) {
      this.release(bttnId); // the bttn reconnected: the old socket's hold ends here
      h = undefined;
    }
    if (!h) {
      h = { socket, corks: 0, since: performance.now() };
      this.held.set(bttnId, h);
    }
    socket.cork();
    h.corks++;
    if (!this.sweeper) {
      this.sweeper = setInterval(this.sweep, HOLD_MAX_MS / 2);
      this.sweeper.unref();
    }
  }

  /** Sends everything held for `bttnId` now (its answer has just been written). */
  release(bttnId: string): void {
    const h = this.held.get(bttnId);
    if (!h) return;
    this.held.delete(bttnId);
    for (; h.corks > 0; h.corks--) h.socket.uncork();
  }

  releaseAll(): void {
    for (const id of [...this.held.keys()]) this.release(id);
  }

  get size(): number {
    return this.held.size;
  }

  private readonly sweep = (): void => {
    const cutoff = performance.now() - HOLD_MAX_MS;
    for (const [id, h] of this.held) if (h.since <= cutoff) this.release(id);
    if (!this.held.size && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  };
}
