// The SQLite store's part of /healthz: can it commit, and is its file still where the next start looks.
import type { StoreHealth } from "../health";
import type { DataDirWatch } from "./data-dir";
import type { GroupCommit } from "./group-commit";

export function storeHealth(commit: GroupCommit, watch?: DataDirWatch): StoreHealth {
  const trouble = commit.trouble;
  const problems: string[] = [];
  const dir = watch?.check();
  if (dir) problems.push(dir);
  if (trouble) problems.push("writes fail (" + trouble.error + "); presses are answered fail internal, other writes are retried");
  const { commits, failedCommits, droppedWrites } = commit.stats;
  return {
    ok: problems.length === 0,
    problem: problems.join("; ") || undefined,
    degradedSince: trouble ? new Date(trouble.since).toISOString() : undefined,
    pendingWrites: commit.pendingWrites,
    commits,
    failedCommits,
    droppedWrites,
  };
}
