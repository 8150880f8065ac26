// Last known device health: online flag from the retained status topic (and the MQTT will),
// battery and RSSI from every event.
import type { Db } from "./db";
import type { GroupCommit } from "./group-commit";

export interface DeviceStatus {
  online: boolean;
  fw: string | null;
  bat: number | null;
  rssi: number | null;
  lastHeard: string | null;
}

export class StatusStore {
  private readonly q;
  constructor(
    db: Db,
    private readonly commit: GroupCommit,
  ) {
    this.q = {
      online: db.prepare(
        "INSERT INTO device_status (bttn, online, fw, last_heard) VALUES (?, ?, ?, ?) ON CONFLICT (bttn) DO UPDATE SET online = excluded.online, fw = COALESCE(excluded.fw, fw), last_heard = excluded.last_heard",
      ),
      health: db.prepare(
        "INSERT INTO device_status (bttn, online, bat, rssi, last_heard) VALUES (?, 1, ?, ?, ?) ON CONFLICT (bttn) DO UPDATE SET online = 1, bat = COALESCE(excluded.bat, bat), rssi = COALESCE(excluded.rssi, rssi), last_heard = excluded.last_heard",
      ),
      get: db.prepare<[string], { online: number; fw: string | null; bat: number | null; rssi: number | null; last_heard: number }>(
        "SELECT * FROM device_status WHERE bttn = ?",
      ),
    };
  }

  setOnline(bttn: string, online: boolean, fw: string | undefined, at: number): void {
    this.commit.write(() => this.q.online.run(bttn, online ? 1 : 0, fw ?? null, at));
  }

  private lastWrite = new Map<string, number>();
  private latest = new Map<string, { bat?: number; rssi?: number; at: number }>();

  /**
   * Battery and signal arrive with every event; writing them each time would cost a statement per
   * press for a value that changes slowly, so a bttn's health is written at most every 5 s. The
   * newest values are kept in memory meanwhile, and `get` answers with them.
   */
  heard(bttn: string, bat: number | undefined, rssi: number | undefined, at: number): void {
    const prev = this.latest.get(bttn);
    this.latest.set(bttn, { bat: bat ?? prev?.bat, rssi: rssi ?? prev?.rssi, at });
    const last = this.lastWrite.get(bttn) ?? 0;
    if (at - last < 5_000) return;
    this.lastWrite.set(bttn, at);
    this.commit.write(() => this.q.health.run(bttn, bat ?? null, rssi ?? null, at));
  }

  get(bttn: string): DeviceStatus {
    const r = this.q.get.get(bttn);
    const mem = this.latest.get(bttn);
    if (!r && !mem) return { online: false, fw: null, bat: null, rssi: null, lastHeard: null };
    const heardAt = Math.max(r?.last_heard ?? 0, mem?.at ?? 0);
    const fresh = mem && mem.at >= (r?.last_heard ?? 0);
    return {
      online: r ? r.online === 1 : true,
      fw: r?.fw ?? null,
      bat: (fresh ? mem!.bat : undefined) ?? r?.bat ?? null,
      rssi: (fresh ? mem!.rssi : undefined) ?? r?.rssi ?? null,
      lastHeard: new Date(heardAt).toISOString(),
    };
  }
}
