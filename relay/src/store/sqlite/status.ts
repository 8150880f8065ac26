// Device health in SQLite (what is kept and how often: ../status.ts).
import { DeviceStatus, HealthMemory } from "../status";
import type { StatusRepo } from "../store";
import type { Db } from "./db";
import type { GroupCommit } from "./group-commit";

export class SqliteStatus implements StatusRepo {
  private readonly q;
  private readonly memory = new HealthMemory();

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

  heard(bttn: string, bat: number | undefined, rssi: number | undefined, at: number): void {
    if (this.memory.note(bttn, bat, rssi, at)) this.commit.write(() => this.q.health.run(bttn, bat ?? null, rssi ?? null, at));
  }

  async get(bttn: string): Promise<DeviceStatus> {
    this.commit.flush(); // reads see every write made so far, lazy ones included
    const r = this.q.get.get(bttn);
    return this.memory.merge(bttn, r && { online: r.online === 1, fw: r.fw, bat: r.bat, rssi: r.rssi, lastHeard: r.last_heard });
  }
}
