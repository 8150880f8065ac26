// The relay's view of MQTT, whichever broker carries it: messages in on the event and status
// topics, results and device settings out. The pipeline never knows which broker it talks to.

export type OnMessage = (topic: string, payload: Buffer, done?: () => void) => void;

/** How devices reach the broker, as far as the relay knows it. */
export interface DeviceAddress {
  /** The host devices should connect to; none: this machine, reached over the LAN (guess its address). */
  host?: string;
  /** The port devices should connect to (plain MQTT when there is one: the firmware has no TLS yet). */
  port: number;
  /** The relay's own MQTT listeners (0: none; always 0 with an external broker), for the start-up line. */
  listening: { mqtt: number; mqtts: number };
}

export interface Bus {
  readonly mode: "embedded" | "external";
  /**
   * Starts delivering messages from `<prefix>/+/event` and `<prefix>/+/status` to `onMessage`.
   * A press comes with a `done` for `onMessage` to call once it is answered: the bus admits presses
   * through the relay's PressGate and frees their place in it then.
   */
  start(onMessage: OnMessage): Promise<void>;
  /**
   * Publishes with QoS 1, or QoS 0 for what only a connected device should see (a broker keeps QoS
   * 1 messages for a device's persistent session while it is away, and would show them later).
   */
  publish(topic: string, payload: string, retain: boolean, qos?: 0 | 1): void;
  connected(): boolean;
  /** Where devices reach this broker (for the device files the API hands out); valid once started. */
  deviceAddress(): DeviceAddress;
  /** Facts for /healthz. */
  info(): Record<string, unknown>;
  /** Disconnects the clients of a bttn (its secret changed or it was removed). */
  disconnectBttn(id: string): void;
  close(): Promise<void>;
}
