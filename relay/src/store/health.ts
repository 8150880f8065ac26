// The store's part of /healthz, for either engine.
import type { StoreTrouble } from "./trouble";

export interface StoreHealth {
  ok: boolean;
  /** What is wrong, in words (also in the log). */
  problem?: string;
  /** Since when writes fail (ISO time). */
  degradedSince?: string;
  /** Writes waiting for a commit (kept and retried while the database fails). */
  pendingWrites: number;
  commits: number;
  failedCommits: number;
  droppedWrites: number;
}

/** What an engine's batched writes know of themselves. */
export interface WriteQueueState {
  trouble: StoreTrouble | undefined;
  pendingWrites: number;
  stats: { commits: number; failedCommits: number; droppedWrites: number };
}

/** The store's health from its writes' state and any other problem the engine sees (a moved file). */
export function healthOf(q: WriteQueueState, otherProblems: Array<string | undefined> = []): StoreHealth {
  const trouble = q.trouble;
  const problems = otherProblems.filter((p): p is string => !!p);
  if (trouble) problems.push("writes fail (" + trouble.error + "); presses are answered fail internal, other writes are retried");
  const { commits, failedCommits, droppedWrites } = q.stats;
  return {
    ok: problems.length === 0,
    problem: problems.join("; ") || undefined,
    degradedSince: trouble ? new Date(trouble.since).toISOString() : undefined,
    pendingWrites: q.pendingWrites,
    commits,
    failedCommits,
    droppedWrites,
  };
}
