// The SQLite store's part of /healthz: can it commit, and is its file still where the next start looks.
import { healthOf, StoreHealth } from "../health";
import type { DataDirWatch } from "./data-dir";
import type { GroupCommit } from "./group-commit";

export function storeHealth(commit: GroupCommit, watch?: DataDirWatch): StoreHealth {
  return healthOf(commit, [watch?.check()]);
}
