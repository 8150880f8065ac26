// Home Assistant MQTT discovery, kept true while the relay runs: every bttn's configs (retained) at
// start, when a bttn is added or changed, and again when Home Assistant says it (re)started (its
// birth message); empty retained payloads when a bttn is removed, also for bttns removed while the
// relay was stopped (found among the retained configs under our node id). Presses go out on the
// trigger topic, and battery, signal and online state on retained state topics, from the relay's
// news: nothing here is on a press's path.
import type { DeviceStatus } from "../store/status";
import type { Bttn, BttnChange } from "../store/bttns";
import type { Logger } from "../log";
import type { RelayNews } from "../news";
import { RELAY_BOOT, VIRTUAL_BOOT } from "../press/conclude";
import { discoveryMessages, DiscoveryMessage, removalMessages } from "./discovery";
import type { Remembered } from "./remembered";
import { BIRTH_ONLINE, birthTopic, configFilter, isTriggerPress, parseConfigTopic, stateTopic } from "./topics";

/** The part of the external bus this needs: publish, and topics outside the bttns' own. */
export interface HaBus {
  publish(topic: string, payload: string, retain: boolean): void;
  watch(filter: string, handler: (topic: string, payload: Buffer) => void): void;
}

export interface HaDiscoveryOptions {
  bus: HaBus;
  bttns: { list(): Bttn[]; get(id: string): Bttn | undefined; onChange(listener: (changes: BttnChange[]) => void): void };
  status: { get(id: string): DeviceStatus };
  news: RelayNews;
  /** The relay's topic prefix. */
  prefix: string;
  discoveryPrefix: string;
  version: string;
  log: Logger;
  /** The bttns published before (ha-discovery.json): those gone since are removed at start. */
  remembered?: Remembered;
}

type State = "battery" | "rssi" | "online";

/**
 * The relay reads its own retained configs back (it subscribes to them); none back after this long
 * means the broker drops them, most likely for want of rights (mosquitto answers MQTT 3.1.1
 * publishes it refuses as if it took them).
 */
export const ECHO_WAIT_MS = 3000;
const STATES: State[] = ["battery", "rssi", "online"];

export class HaDiscovery {
  private closed = false;
  private readonly stops: Array<() => void> = [];
  /** Per bttn: the state payloads last published, and the firmware its device block names. */
  private readonly published = new Map<string, Partial<Record<State, string>> & { fw?: string }>();
  /** One of our configs came back from the broker. */
  private echoed = false;
  /**
   * Bttns removed while this relay runs (at its start included): told again at Home Assistant's
   * birth, for a Home Assistant that was not connected when they went (the embedded broker keeps
   * no retained messages across restarts, and an empty retained payload is kept by none).
   */
  private readonly gone = new Set<string>();

  constructor(private readonly o: HaDiscoveryOptions) {}

  /** Call once the bus is connected. */
  start(): void {
    const { bus, bttns, news, prefix, discoveryPrefix } = this.o;
    for (const id of this.o.remembered?.load() ?? []) if (!bttns.get(id)) this.remove(id);
    this.remember();
    let configs = 0;
    for (const b of bttns.list()) {
      const s = this.o.status.get(b.id);
      this.published.set(b.id, { fw: s.fw ?? undefined });
      configs += this.publishConfigs(b);
      this.publishState(b.id, "online", s.online ? "ON" : "OFF");
      if (s.bat !== null) this.publishState(b.id, "battery", String(s.bat));
      if (s.rssi !== null) this.publishState(b.id, "rssi", String(s.rssi));
    }
    bus.watch(configFilter(discoveryPrefix, prefix), (topic, payload) => this.onRetainedConfig(topic, payload));
    bus.watch(birthTopic(discoveryPrefix), (_, payload) => {
      if (this.closed || payload.toString() !== BIRTH_ONLINE) return;
      for (const b of bttns.list()) this.publishConfigs(b);
      for (const id of this.gone) if (!bttns.get(id)) this.send(removalMessages(id, this.o));
      this.o.log.info("Home Assistant (re)started: discovery configs published again", { bttns: bttns.list().length });
    });
    bttns.onChange((changes) => this.onBttnChanges(changes));
    this.stops.push(
      news.on("taken", (t) => {
        // Device presses only: a virtual press tests the relay's action, a not-pressed event is not a press.
        if (!isTriggerPress(t.type) || t.boot === VIRTUAL_BOOT || t.boot === RELAY_BOOT) return;
        // After this turn of the event loop: the embedded broker (aedes) stores a retained message
        // before it sends it, so the battery and signal just published (retained, from this same
        // press) would go out after a message sent now, and a client drops a message older than
        // the last it got (aedes' de-duplication by the broker's counter).
        setImmediate(() => {
          if (!this.closed) bus.publish(stateTopic(prefix, t.bttn, "action"), t.type, false);
        });
      }),
      news.on("heard", (h) => {
        if (!bttns.get(h.bttn)) return;
        // An event with battery or signal comes from a device that is online.
        const online = h.online ?? (h.bat !== undefined || h.rssi !== undefined ? true : undefined);
        if (online !== undefined) this.publishState(h.bttn, "online", online ? "ON" : "OFF");
        if (h.bat !== undefined) this.publishState(h.bttn, "battery", String(h.bat));
        if (h.rssi !== undefined) this.publishState(h.bttn, "rssi", String(h.rssi));
        const p = this.published.get(h.bttn);
        if (h.fw && p && p.fw !== h.fw) {
          p.fw = h.fw;
          this.publishConfigs(bttns.get(h.bttn)!); // the device block names the firmware
        }
      }),
    );
    this.o.log.info("Home Assistant discovery published", { bttns: bttns.list().length, configs, discoveryPrefix });
    if (configs) {
      const check = setTimeout(() => {
        if (this.closed || this.echoed) return;
        this.o.log.warn(
          "Home Assistant discovery: the broker did not give the discovery configs back; Home Assistant will not see the bttns. Let the relay's broker user read and write " +
            discoveryPrefix +
            "/# (README: Home Assistant)",
          { discoveryPrefix, waitedMs: ECHO_WAIT_MS },
        );
      }, ECHO_WAIT_MS);
      check.unref();
      this.stops.push(() => clearTimeout(check));
    }
  }

  close(): void {
    this.closed = true;
    for (const stop of this.stops) stop();
  }

  private onBttnChanges(changes: BttnChange[]): void {
    if (this.closed) return;
    for (const c of changes) {
      const b = this.o.bttns.get(c.id);
      if (c.what === "removed" || !b) this.remove(c.id);
      else if (c.what === "added" || c.what === "definition") {
        if (!this.published.has(b.id)) this.published.set(b.id, {});
        this.publishConfigs(b);
        if (c.what === "added") this.publishState(b.id, "online", "OFF");
      }
    }
    if (changes.some((c) => c.what === "added" || c.what === "removed")) this.remember();
  }

  private remember(): void {
    try {
      this.o.remembered?.save(this.o.bttns.list().map((b) => b.id));
    } catch (err) {
      this.o.log.warn("could not note the bttns told to Home Assistant; one removed while the relay is stopped may stay there", { error: err as Error });
    }
  }

  /** A retained config under our node id: one of a bttn that is no more (removed while we were stopped) is cleared. */
  private onRetainedConfig(topic: string, payload: Buffer): void {
    if (this.closed || payload.length === 0) return;
    const found = parseConfigTopic(this.o.discoveryPrefix, this.o.prefix, topic);
    if (!found) return;
    if (this.o.bttns.get(found.id)) {
      this.echoed = true;
      return;
    }
    this.o.log.info("Home Assistant discovery: removing the entry of a bttn that is gone", { bttn: found.id, topic });
    this.send([{ topic, payload: "" }]);
    for (const s of STATES) this.o.bus.publish(stateTopic(this.o.prefix, found.id, s), "", true);
  }

  private remove(id: string): void {
    this.send(removalMessages(id, this.o));
    for (const s of STATES) this.o.bus.publish(stateTopic(this.o.prefix, id, s), "", true);
    this.published.delete(id);
    this.gone.add(id);
    this.o.log.info("Home Assistant discovery: bttn removed", { bttn: id });
  }

  private publishConfigs(b: Bttn): number {
    const messages = discoveryMessages(b, { discoveryPrefix: this.o.discoveryPrefix, prefix: this.o.prefix, version: this.o.version, fw: this.published.get(b.id)?.fw });
    this.send(messages);
    return messages.filter((m) => m.payload).length;
  }

  private send(messages: DiscoveryMessage[]): void {
    for (const m of messages) this.o.bus.publish(m.topic, m.payload, true);
  }

  /** Retained, and only when it changed: battery and signal come with every press. */
  private publishState(id: string, what: State, value: string): void {
    const p = this.published.get(id) ?? {};
    if (p[what] === value) return;
    p[what] = value;
    this.published.set(id, p);
    this.o.bus.publish(stateTopic(this.o.prefix, id, what), value, true);
  }
}
