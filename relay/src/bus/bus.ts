// The relay's view of MQTT, whichever broker carries it: messages in on the event and status
// topics, results and device settings out. The pipeline never knows which broker it talks to.

export interface Bus {
  readonly mode: "embedded" | "external";
  /** Starts delivering messages from `<prefix>/+/event` and `<prefix>/+/status` to `onMessage`. */
  start(onMessage: (topic: string, payload: Buffer) => void): Promise<void>;
  /** Publishes with QoS 1. */
  publish(topic: string, payload: string, retain: boolean): void;
  connected(): boolean;
  /** Facts for /healthz. */
  info(): Record<string, unknown>;
  /** Disconnects the clients of a bttn (its secret changed or it was removed). */
  disconnectBttn(id: string): void;
  close(): Promise<void>;
}
