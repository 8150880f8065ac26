// Bounds on what a device connection may cost the embedded broker before and after it logs in.
// Each one closes a way for a client (hostile or broken) to hold memory or a socket for free.
import type { Socket } from "node:net";
import { MAX_PAYLOAD } from "@bttn/shared";

export interface MqttLimits {
  /** Largest CONNECT packet (remaining length, bytes): client id, user name, secret and will fit easily. */
  maxConnectBytes: number;
  /** Largest later packet: the protocol's largest payload plus room for topic and headers. */
  maxPacketBytes: number;
  /** Connections accepted but not logged in yet, at most; further ones are closed at once. */
  maxPendingLogins: number;
  /** A connection that has not sent its CONNECT within this is closed. */
  connectTimeoutMs: number;
  /** Largest keepalive (seconds) the broker honours; 0 ("never") and larger values are replaced by it. */
  maxKeepaliveS: number;
}

export const DEFAULT_MQTT_LIMITS: MqttLimits = {
  maxConnectBytes: 4096,
  maxPacketBytes: MAX_PAYLOAD + 1024,
  maxPendingLogins: 64,
  connectTimeoutMs: 5000,
  maxKeepaliveS: 300,
};

/** The keepalive the broker uses for a client that asked for `asked` seconds. */
export function boundedKeepalive(asked: number, maxS: number): number {
  return asked > 0 && asked <= maxS ? asked : maxS;
}

/** Counts connections between accept and login, to refuse more than `max` at a time. */
export class PendingLogins {
  private readonly pending = new Set<Socket>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.pending.size;
  }

  /** Counts `socket` as pending until it logs in or closes; false (count unchanged) when full. */
  admit(socket: Socket): boolean {
    if (this.pending.size >= this.max) return false;
    this.pending.add(socket);
    socket.once("close", () => this.pending.delete(socket));
    return true;
  }

  loggedIn(socket: Socket): void {
    this.pending.delete(socket);
  }
}
