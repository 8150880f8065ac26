// Two moments in a press's life that others wait for: `recorded` (the not-pressed watch moves on
// once its event is in the store) and `answered` (the bus acknowledges the press and takes the next
// one; a shutdown waits for the presses not yet answered). An async press is answered when its wait
// begins, long before its verdict. Both are settled at the end in any case, so nobody waits forever.
export class PressProgress {
  /** The event's id once recorded; undefined when it could not be recorded. */
  readonly recorded: Promise<number | undefined>;
  readonly answered: Promise<void>;
  private settleRecorded!: (eventId: number | undefined) => void;
  private settleAnswered!: () => void;

  constructor() {
    this.recorded = new Promise((res) => (this.settleRecorded = res));
    this.answered = new Promise((res) => (this.settleAnswered = res));
  }

  markRecorded(eventId: number | undefined): void {
    this.settleRecorded(eventId);
  }

  markAnswered(): void {
    this.settleAnswered();
  }

  /** The press's handling is over, however it ended. */
  end(): void {
    this.settleRecorded(undefined);
    this.settleAnswered();
  }
}
