// The bttns Home Assistant was told about, kept in the data directory (ha-discovery.json), so a
// bttn removed while the relay was stopped is removed from Home Assistant at the next start even
// when no broker kept its configs (the embedded broker keeps retained messages in memory only).
// Written only when the set of bttns changes: nothing per press.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const REMEMBERED_FILE = "ha-discovery.json";

export interface Remembered {
  load(): string[];
  save(ids: string[]): void;
}

export function rememberedIn(dataDir: string): Remembered {
  const file = join(dataDir, REMEMBERED_FILE);
  return {
    load() {
      try {
        const v = JSON.parse(readFileSync(file, "utf8")) as { bttns?: unknown };
        return Array.isArray(v.bttns) ? v.bttns.filter((x): x is string => typeof x === "string") : [];
      } catch {
        return []; // none yet, or unreadable: the broker's retained configs still tell (external)
      }
    },
    save(ids) {
      // Whole or not at all: a temporary file renamed over it.
      writeFileSync(file + ".tmp", JSON.stringify({ bttns: [...ids].sort() }) + "\n", { mode: 0o600 });
      renameSync(file + ".tmp", file);
    },
  };
}
