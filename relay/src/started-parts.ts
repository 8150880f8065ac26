// The relay's parts in the order they started (database, checkpoint thread, broker, HTTP server,
// ...), so that one list says how to stop them: in reverse, whether start-up failed halfway or the
// relay is shutting down. A part that fails to close is logged and the rest still close.
import type { Logger } from "./log";

interface Part {
  name: string;
  close: () => void | Promise<void>;
}

export class StartedParts {
  private readonly parts: Part[] = [];

  constructor(private readonly log: Logger) {}

  /** Records a part that has started; `close` stops it (called once, after the parts added later). */
  add(name: string, close: () => void | Promise<void>): void {
    this.parts.push({ name, close });
  }

  /** Closes every part, the last started first. */
  async closeAll(): Promise<void> {
    for (let p = this.parts.pop(); p; p = this.parts.pop()) {
      try {
        await p.close();
      } catch (e) {
        this.log.error("could not close " + p.name, { error: e as Error });
      }
    }
  }
}
