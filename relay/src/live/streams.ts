// The open server-sent-event streams (GET /api/v1/live): at most `max` at once, each fed the same
// events, a comment line every `pingMs` so proxies and browsers keep them open. A stream whose
// reader falls too far behind is closed (EventSource reconnects and reloads) rather than buffered
// without end. The relay closes them all first at shutdown, so none holds the HTTP server open.
// What the events are and where they come from is events.ts; this file only carries them.

export interface LiveOptions {
  max: number;
  pingMs: number;
  /** Events queued for one slow reader before its stream is closed. */
  maxQueued: number;
}

export const LIVE_DEFAULTS: LiveOptions = { max: 16, pingMs: 15_000, maxQueued: 1000 };

interface Stream {
  controller: ReadableStreamDefaultController<Uint8Array>;
}

const encoder = new TextEncoder();

export class LiveStreams {
  private readonly streams = new Set<Stream>();
  private ping: NodeJS.Timeout | undefined;
  private closed = false;

  /**
   * `onFirst` runs when the first stream opens and returns what stops it when the last closes:
   * the event sources are listened to only while someone watches.
   */
  constructor(
    private readonly onFirst: (send: (event: string, data: unknown) => void) => () => void,
    readonly o: LiveOptions = LIVE_DEFAULTS,
  ) {}

  private stopSources: (() => void) | undefined;

  get size(): number {
    return this.streams.size;
  }

  /** A new stream's body, or undefined when `max` are open (or the relay is stopping). */
  open(): ReadableStream<Uint8Array> | undefined {
    if (this.closed || this.streams.size >= this.o.max) return undefined;
    let s!: Stream;
    const body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          s = { controller };
          controller.enqueue(encoder.encode("retry: 3000\n: connected\n\n"));
        },
        cancel: () => this.drop(s), // the client went away
      },
      { highWaterMark: this.o.maxQueued },
    );
    this.streams.add(s);
    if (this.streams.size === 1) {
      this.stopSources = this.onFirst((event, data) => this.send(event, data));
      this.ping = setInterval(() => this.write(": ping\n\n"), this.o.pingMs);
      this.ping.unref();
    }
    return body;
  }

  /** One event to every stream. */
  send(event: string, data: unknown): void {
    if (this.streams.size) this.write("event: " + event + "\ndata: " + JSON.stringify(data) + "\n\n");
  }

  /** Ends every stream (the relay is stopping); no new ones open. */
  closeAll(): void {
    this.closed = true;
    for (const s of [...this.streams]) this.drop(s, true);
  }

  private write(text: string): void {
    const chunk = encoder.encode(text);
    for (const s of [...this.streams]) {
      // desiredSize counts down as chunks wait for the reader: at 0 it has maxQueued waiting.
      if ((s.controller.desiredSize ?? 0) <= 0) this.drop(s, true);
      else s.controller.enqueue(chunk);
    }
  }

  private drop(s: Stream, end = false): void {
    if (!this.streams.delete(s)) return;
    if (end) {
      try {
        s.controller.close();
      } catch {
        // already closed or cancelled
      }
    }
    if (!this.streams.size) {
      clearInterval(this.ping);
      this.stopSources?.();
      this.stopSources = undefined;
    }
  }
}
