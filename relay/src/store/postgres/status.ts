// Device health in PostgreSQL (what is kept and how often: ../status.ts). Both writes go through
// the queue: nobody waits for them.
import type pg from "pg";
import { DeviceStatus, HealthMemory } from "../status";
import type { StatusRepo } from "../store";
import type { WriteQueue } from "./write-queue";

export class PgStatus implements StatusRepo {
  private readonly memory = new HealthMemory();

  constructor(
    private readonly pool: pg.Pool,
    private readonly queue: WriteQueue,
  ) {}

  setOnline(bttn: string, online: boolean, fw: string | undefined, at: number): void {
    this.queue.write({
      text: "INSERT INTO device_status (bttn, online, fw, last_heard) VALUES ($1, $2, $3, $4) ON CONFLICT (bttn) DO UPDATE SET online = excluded.online, fw = COALESCE(excluded.fw, device_status.fw), last_heard = excluded.last_heard",
      values: [bttn, online, fw ?? null, at],
      shared: "device_status:" + bttn,
    });
  }

  heard(bttn: string, bat: number | undefined, rssi: number | undefined, at: number): void {
    if (!this.memory.note(bttn, bat, rssi, at)) return;
    this.queue.write({
      text: "INSERT INTO device_status (bttn, online, bat, rssi, last_heard) VALUES ($1, TRUE, $2, $3, $4) ON CONFLICT (bttn) DO UPDATE SET online = TRUE, bat = COALESCE(excluded.bat, device_status.bat), rssi = COALESCE(excluded.rssi, device_status.rssi), last_heard = excluded.last_heard",
      values: [bttn, bat ?? null, rssi ?? null, at],
      shared: "device_status:" + bttn,
    });
  }

  async get(bttn: string): Promise<DeviceStatus> {
    await this.queue.settled(); // this relay's own queued writes are seen
    const r = (
      await this.pool.query<{ online: boolean; fw: string | null; bat: number | null; rssi: number | null; last_heard: number }>(
        "SELECT online, fw, bat, rssi, last_heard FROM device_status WHERE bttn = $1",
        [bttn],
      )
    ).rows[0];
    return this.memory.merge(bttn, r && { online: r.online, fw: r.fw, bat: r.bat, rssi: r.rssi, lastHeard: r.last_heard });
  }
}
