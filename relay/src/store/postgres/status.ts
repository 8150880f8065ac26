// Last known device health, as SQLite's StatusStore: the online flag written as it changes,
// battery and signal at most every 5 s per bttn (the newest kept in memory meanwhile, and `get`
// answers with them). Both writes go through the queue: nobody waits for them.
import type pg from "pg";
import type { DeviceStatus } from "../status";
import type { StatusRepo } from "../store";
import type { WriteQueue } from "./write-queue";

/** A bttn's battery and signal are written at most this often (they change slowly). */
const HEALTH_WRITE_MS = 5_000;

export class PgStatus implements StatusRepo {
  private lastWrite = new Map<string, number>();
  private latest = new Map<string, { bat?: number; rssi?: number; at: number }>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly queue: WriteQueue,
  ) {}

  setOnline(bttn: string, online: boolean, fw: string | undefined, at: number): void {
    this.queue.write({
      text: "INSERT INTO device_status (bttn, online, fw, last_heard) VALUES ($1, $2, $3, $4) ON CONFLICT (bttn) DO UPDATE SET online = excluded.online, fw = COALESCE(excluded.fw, device_status.fw), last_heard = excluded.last_heard",
      values: [bttn, online, fw ?? null, at],
    });
  }

  heard(bttn: string, bat: number | undefined, rssi: number | undefined, at: number): void {
    const prev = this.latest.get(bttn);
    this.latest.set(bttn, { bat: bat ?? prev?.bat, rssi: rssi ?? prev?.rssi, at });
    const last = this.lastWrite.get(bttn) ?? 0;
    if (at - last < HEALTH_WRITE_MS) return;
    this.lastWrite.set(bttn, at);
    this.queue.write({
      text: "INSERT INTO device_status (bttn, online, bat, rssi, last_heard) VALUES ($1, TRUE, $2, $3, $4) ON CONFLICT (bttn) DO UPDATE SET online = TRUE, bat = COALESCE(excluded.bat, device_status.bat), rssi = COALESCE(excluded.rssi, device_status.rssi), last_heard = excluded.last_heard",
      values: [bttn, bat ?? null, rssi ?? null, at],
    });
  }

  async get(bttn: string): Promise<DeviceStatus> {
    await this.queue.settled(); // this relay's own queued writes are seen
    const r = (
      await this.pool.query<{ online: boolean; fw: string | null; bat: number | null; rssi: number | null; last_heard: number }>("SELECT * FROM device_status WHERE bttn = $1", [bttn])
    ).rows[0];
    const mem = this.latest.get(bttn);
    if (!r && !mem) return { online: false, fw: null, bat: null, rssi: null, lastHeard: null };
    const heardAt = Math.max(r?.last_heard ?? 0, mem?.at ?? 0);
    const fresh = mem && mem.at >= (r?.last_heard ?? 0);
    return {
      online: r ? r.online : true,
      fw: r?.fw ?? null,
      bat: (fresh ? mem!.bat : undefined) ?? r?.bat ?? null,
      rssi: (fresh ? mem!.rssi : undefined) ?? r?.rssi ?? null,
      lastHeard: new Date(heardAt).toISOString(),
    };
  }
}
