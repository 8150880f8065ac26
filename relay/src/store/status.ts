// Last known device health: online flag from the retained status topic (and the MQTT will),
// battery and RSSI from every event.

export interface DeviceStatus {
  online: boolean;
  fw: string | null;
  bat: number | null;
  rssi: number | null;
  lastHeard: string | null;
}

/** A device_status row as an engine reads it (times in ms). */
export interface StatusRow {
  online: boolean;
  fw: string | null;
  bat: number | null;
  rssi: number | null;
  lastHeard: number;
}

/** How often a bttn's battery and signal are written at most. */
export const HEALTH_WRITE_MS = 5_000;

/**
 * Battery and signal arrive with every event; writing them each time would cost a statement per
 * press for a value that changes slowly, so a bttn's health is written at most every
 * HEALTH_WRITE_MS. The newest values are kept in memory meanwhile, and `merge` answers with them.
 */
export class HealthMemory {
  private lastWrite = new Map<string, number>();
  private latest = new Map<string, { bat?: number; rssi?: number; at: number }>();

  /** Notes what an event said; true when it is time to write it. */
  note(bttn: string, bat: number | undefined, rssi: number | undefined, at: number): boolean {
    const prev = this.latest.get(bttn);
    this.latest.set(bttn, { bat: bat ?? prev?.bat, rssi: rssi ?? prev?.rssi, at });
    const last = this.lastWrite.get(bttn) ?? 0;
    if (at - last < HEALTH_WRITE_MS) return false;
    this.lastWrite.set(bttn, at);
    return true;
  }

  /** The stored row, with the newer values this relay heard since. */
  merge(bttn: string, r: StatusRow | undefined): DeviceStatus {
    const mem = this.latest.get(bttn);
    if (!r && !mem) return { online: false, fw: null, bat: null, rssi: null, lastHeard: null };
    const heardAt = Math.max(r?.lastHeard ?? 0, mem?.at ?? 0);
    const fresh = mem && mem.at >= (r?.lastHeard ?? 0);
    return {
      online: r ? r.online : true,
      fw: r?.fw ?? null,
      bat: (fresh ? mem!.bat : undefined) ?? r?.bat ?? null,
      rssi: (fresh ? mem!.rssi : undefined) ?? r?.rssi ?? null,
      lastHeard: new Date(heardAt).toISOString(),
    };
  }
}
