// Pending async callbacks, persisted so a relay restart keeps waiting (and its deadlines still fire).
// Tokens are stored as SHA-256: the URL is a bearer secret, the database need not hold it.
import { createHash } from "node:crypto";
import type { Db } from "../store/db";
import type { GroupCommit } from "../store/group-commit";

export interface CallbackRow {
  tokenHash: string;
  eventId: number;
  bttn: string;
  boot: string;
  seq: number;
  deadline: number;
  waits: number;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export class CallbackStore {
  private readonly q;
  constructor(
    db: Db,
    private readonly commit: GroupCommit,
  ) {
    this.q = {
      insert: db.prepare("INSERT INTO callbacks (token_hash, event_id, bttn, boot, seq, deadline, waits, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)"),
      extend: db.prepare("UPDATE callbacks SET deadline = ?, waits = ? WHERE token_hash = ?"),
      remove: db.prepare("DELETE FROM callbacks WHERE token_hash = ?"),
      all: db.prepare<[], { token_hash: string; event_id: number; bttn: string; boot: string; seq: number; deadline: number; waits: number }>(
        "SELECT * FROM callbacks ORDER BY deadline",
      ),
    };
  }

  /** Resolves once the row is committed: the callback URL must not go out before it is durable. */
  insert(r: CallbackRow): Promise<void> {
    return this.commit.call(() => {
      this.q.insert.run(r.tokenHash, r.eventId, r.bttn, r.boot, r.seq, r.deadline, Date.now());
    });
  }

  extend(tokenHash: string, deadline: number, waits: number): void {
    this.commit.write(() => this.q.extend.run(deadline, waits, tokenHash));
  }

  remove(tokenHash: string): void {
    this.commit.write(() => this.q.remove.run(tokenHash));
  }

  all(): CallbackRow[] {
    return this.q.all.all().map((r) => ({ tokenHash: r.token_hash, eventId: r.event_id, bttn: r.bttn, boot: r.boot, seq: r.seq, deadline: r.deadline, waits: r.waits }));
  }
}
