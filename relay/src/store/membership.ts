// A relay's part in a group that shares one store: it says it is alive every BEAT_MS, and looks
// for members that stopped saying so. A member silent for DEAD_AFTER_MS is taken for gone (killed,
// its machine off, cut from the database): the presses it had taken and not answered are closed
// as `fail internal` by one surviving member (the store's claim decides which) and their bttns are
// told, so no device waits for an answer that will not come. They are never fired again: the
// gone member may have sent the request already.
//
// A member judges the others only by time it could see them: silence counts from this member's
// own start, or from the end of its own last spell without the store (then nobody could beat, and
// every member looks silent; their presses' ends may still wait in their queues).
//
// A member that was only slow (a stalled event loop, a long pause of its machine) and comes back
// may still answer such a press: its late `finish` changes nothing (an ended press stays ended),
// but its result may reach the bttn after the `fail`. DEAD_AFTER_MS is long against any pause a
// healthy relay makes, short against a person waiting for their LED.
import type { Logger } from "../log";
import type { EventSummary, Store } from "./store";

export const BEAT_MS = 2_000;
export const DEAD_AFTER_MS = 15_000;

export interface MembershipOptions {
  store: Store;
  log: Logger;
  /** Tells the bttns of presses closed because their relay is gone. */
  closeOrphans: (events: EventSummary[], relayId: string) => void;
  beatMs?: number;
  deadAfterMs?: number;
}

export class GroupMembership {
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> | undefined;
  private failing = false;
  /** Since when this member has seen the store without a break (its start, or the end of a spell without it). */
  private seeingSince = Date.now();

  constructor(private readonly o: MembershipOptions) {}

  /** Beats once (a member is known from its first beat), then keeps beating and watching. */
  async start(): Promise<void> {
    this.seeingSince = Date.now();
    await this.o.store.relays.beat(this.seeingSince);
    this.timer = setInterval(() => {
      if (!this.busy) this.busy = this.tick().finally(() => (this.busy = undefined));
    }, this.o.beatMs ?? BEAT_MS);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const { store, log } = this.o;
    try {
      const now = Date.now();
      await store.relays.beat(now);
      if (this.failing) this.seeingSince = now;
      const deadAfterMs = this.o.deadAfterMs ?? DEAD_AFTER_MS;
      const judged = now - this.seeingSince >= deadAfterMs ? await store.relays.dead(now - deadAfterMs) : [];
      for (const id of judged) {
        const orphans = await store.events.claimOrphans([id]);
        if (orphans.length) {
          log.warn("a relay of the group stopped answering: its presses in progress are closed as failed (not fired again)", { relay: id, presses: orphans.length });
          this.o.closeOrphans(orphans, id);
        } else log.info("a relay of the group stopped answering; it had no press in progress", { relay: id });
        await store.relays.forget(id);
      }
      if (this.failing) log.info("the group's store answers again");
      this.failing = false;
    } catch (err) {
      // The store is away: the other members see this one as gone only if it stays away longer
      // than DEAD_AFTER_MS, and then its presses in progress are closed by them.
      if (!this.failing) log.warn("could not tell the group this relay is alive; trying again", { error: err as Error });
      this.failing = true;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.busy;
  }
}
