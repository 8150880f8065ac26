// The store's part of /healthz, for either engine.

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
