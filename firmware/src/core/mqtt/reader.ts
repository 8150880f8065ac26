// Cuts the incoming byte stream into MQTT packets. TCP delivers bytes in arbitrary pieces: a packet
// may arrive split, or several in one piece. Anything larger than `max` is refused (the caller drops
// the link) rather than buffered: the device has a few tens of KB of RAM.

/** Receives the first byte (type << 4 | flags) and the body of each whole packet. */
export type PacketHandler = (first: number, body: string) => void;

/** Returns a feed function; it returns false when the stream is malformed or a packet too large. */
export function createReader(max: number, onPacket: PacketHandler): (bytes: string) => boolean {
  let buf = "";
  return (bytes) => {
    buf += bytes;
    for (;;) {
      let len = 0;
      let mul = 1;
      let i = 1;
      for (;;) {
        if (i >= buf.length) return true; // length not complete yet
        const d = buf.charCodeAt(i++);
        len += (d & 127) * mul;
        mul *= 128;
        if (!(d & 128)) break;
        if (i > 4) return false; // remaining length takes at most 4 bytes
      }
      if (len > max) return false;
      if (buf.length < i + len) return true;
      const first = buf.charCodeAt(0);
      const body = buf.substr(i, len);
      buf = buf.substr(i + len);
      onPacket(first, body);
    }
  };
}

export function u16At(s: string, i: number): number {
  return (s.charCodeAt(i) << 8) | s.charCodeAt(i + 1);
}

export interface Incoming {
  topic: string;
  payload: string;
  qos: number;
  /** Packet id (QoS 1), else 0. */
  id: number;
}

/** The fields the client acts on (RETAIN and DUP change nothing for it: a result is matched by its identity). */
export function parsePublish(first: number, body: string): Incoming {
  const tl = u16At(body, 0);
  const qos = (first >> 1) & 3;
  const at = 2 + tl + (qos ? 2 : 0);
  return {
    topic: body.substr(2, tl),
    payload: body.substr(at),
    qos: qos,
    id: qos ? u16At(body, 2 + tl) : 0,
  };
}
