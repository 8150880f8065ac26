// A guard in front of the broker's MQTT parser. The parser buffers a packet until all of it has
// arrived, so a client that announces a 256 MB packet and streams bytes would be buffered in full,
// before it even logged in. The guard reads each packet's fixed header (type and remaining length)
// as bytes arrive, and tells the caller to drop the connection as soon as a header breaks a bound:
// no byte past the bound is ever kept.
//
// It sees the bytes the broker reads: with a 'readable' listener (aedes reads that way), Node
// emits 'data' from inside read(), before the broker gets the chunk, so a 'data' listener added
// after the broker's own watches everything without switching the socket to flowing mode.
import type { Duplex } from "node:stream";

export interface PacketBounds {
  /** Largest remaining length of the first packet, which must be a CONNECT. */
  maxConnectBytes: number;
  /** Largest remaining length of any later packet. */
  maxPacketBytes: number;
}

const CONNECT = 1;

/** Reads MQTT fixed headers from a byte stream, one chunk at a time. */
export class PacketGuard {
  private packets = 0;
  /** Bytes of the current packet's body still to skip. */
  private skip = 0;
  /** Inside a fixed header: its first byte seen, the remaining length partly read. */
  private inHeader = false;
  private type = 0;
  private length = 0;
  private lengthBytes = 0;
  private broken = "";

  constructor(private readonly bounds: PacketBounds) {}

  /** Feeds the next chunk; returns why the connection must go, or "" while all is well. */
  feed(chunk: Uint8Array): string {
    if (this.broken) return this.broken;
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.skip > 0) {
        const step = Math.min(this.skip, n - i);
        this.skip -= step;
        i += step;
        continue;
      }
      const b = chunk[i++];
      if (!this.inHeader) {
        this.inHeader = true;
        this.type = b >> 4;
        this.length = 0;
        this.lengthBytes = 0;
        if (this.packets === 0 && this.type !== CONNECT) return (this.broken = "the first packet is not a CONNECT (type " + this.type + ")");
        continue;
      }
      // Remaining length: 7 bits per byte, least significant first, at most 4 bytes.
      this.length += (b & 0x7f) * 128 ** this.lengthBytes++;
      if (b & 0x80) {
        if (this.lengthBytes === 4) return (this.broken = "a malformed remaining length");
        continue;
      }
      const max = this.packets === 0 ? this.bounds.maxConnectBytes : this.bounds.maxPacketBytes;
      if (this.length > max) return (this.broken = (this.packets === 0 ? "a CONNECT" : "a packet") + " of " + this.length + " bytes (at most " + max + ")");
      this.packets++;
      this.inHeader = false;
      this.skip = this.length;
    }
    return "";
  }
}

/**
 * Watches what the broker reads from `socket` (call after the broker attached its own listeners)
 * and calls `drop` once, with the reason, when a bound is broken; `drop` must destroy the socket.
 */
export function guardPackets(socket: Duplex, bounds: PacketBounds, drop: (why: string) => void): void {
  const guard = new PacketGuard(bounds);
  const onData = (chunk: Buffer) => {
    const why = guard.feed(chunk);
    if (!why) return;
    socket.off("data", onData);
    drop(why);
  };
  socket.on("data", onData);
}
