// Sleep mode (battery): twice a second, ask whether anything is left to do or say; when nothing is,
// say "offline" ourselves (a clean DISCONNECT keeps the will from saying it), stop, and deep-sleep
// with wake on the button. Waking is a reboot: the next boot starts from bttn.json again.
import { Bindings } from "../bindings";

export interface SleepPorts {
  /** Sleep mode is on and nothing is left to do or show (no press in progress, answer awaited, news on the LED). */
  idle(): boolean;
  /** Publishes `online:false` and calls `done` at its PUBACK; false when the link is down (nothing to say). */
  goodbye(done: () => void): boolean;
  /** Stops the app (timers, link, LED) and deep-sleeps; on a device it does not return. */
  down(): void;
}

export interface Sleeper {
  stop(): void;
}

const CHECK_MS = 500;
/** How long to wait for the goodbye's PUBACK before sleeping anyway. */
const GOODBYE_MS = 2000;

export function startSleeper(b: Bindings, p: SleepPorts): Sleeper {
  let timer: unknown;
  let stopped = false;

  function sleep(): void {
    let done = false;
    const down = (): void => {
      if (!done) {
        done = true;
        p.down();
      }
    };
    if (p.goodbye(down)) b.after(GOODBYE_MS, down);
    else down();
  }

  function check(): void {
    timer = b.after(CHECK_MS, () => {
      if (stopped) return;
      if (p.idle()) sleep();
      else check();
    });
  }

  check();
  return {
    stop() {
      stopped = true;
      b.cancel(timer);
    },
  };
}
