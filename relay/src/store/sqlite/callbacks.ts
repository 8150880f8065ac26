// Pending async callbacks in SQLite, kept so a relay restart keeps waiting (and its deadlines still
// fire). Tokens are stored as SHA-256 (callbacks/token.ts): the URL is a bearer secret.
import { callbackFromRow, CallbackDbRow } from "../rows";
import type { CallbackRepo, CallbackRow } from "../store";
import type { Db } from "./db";
import type { GroupCommit } from "./group-commit";


export class SqliteCallbacks implements CallbackRepo {
  private readonly q;
  constructor(
    db: Db,
    private readonly commit: GroupCommit,
  ) {
    this.q = {
      insert: db.prepare("INSERT INTO callbacks (token_hash, event_id, bttn, boot, seq, deadline, waits, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)"),
      extend: db.prepare("UPDATE callbacks SET deadline = ?, waits = ? WHERE token_hash = ?"),
      claim: db.prepare<[string], CallbackDbRow>("DELETE FROM callbacks WHERE token_hash = ? RETURNING *"),
      claimExpired: db.prepare<[number], CallbackDbRow>("DELETE FROM callbacks WHERE deadline <= ? RETURNING *"),
      find: db.prepare<[string], CallbackDbRow>("SELECT * FROM callbacks WHERE token_hash = ?"),
      byEvent: db.prepare<[number], CallbackDbRow>("SELECT * FROM callbacks WHERE event_id = ?"),
      all: db.prepare<[], CallbackDbRow>("SELECT * FROM callbacks ORDER BY deadline"),
    };
  }

  insert(r: CallbackRow): Promise<void> {
    return this.commit.call(() => {
      this.q.insert.run(r.tokenHash, r.eventId, r.bttn, r.boot, r.seq, r.deadline, Date.now());
    });
  }

  async extend(tokenHash: string, deadline: number, waits: number): Promise<void> {
    this.commit.write(() => this.q.extend.run(deadline, waits, tokenHash));
  }

  claim(tokenHash: string): Promise<CallbackRow | undefined> {
    return this.commit.call(() => {
      const r = this.q.claim.get(tokenHash);
      return r && callbackFromRow(r);
    });
  }

  claimExpired(now: number): Promise<CallbackRow[]> {
    return this.commit.call(() => this.q.claimExpired.all(now).map(callbackFromRow));
  }

  async find(tokenHash: string): Promise<CallbackRow | undefined> {
    this.commit.flush();
    const r = this.q.find.get(tokenHash);
    return r && callbackFromRow(r);
  }

  async findByEvent(eventId: number): Promise<CallbackRow | undefined> {
    this.commit.flush();
    const r = this.q.byEvent.get(eventId);
    return r && callbackFromRow(r);
  }

  async all(): Promise<CallbackRow[]> {
    this.commit.flush();
    return this.q.all.all().map(callbackFromRow);
  }
}
