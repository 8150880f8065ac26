// A simulated board that boots like the real one: core/start.ts reads bttn.json from its Storage and
// picks normal mode or setup mode; setup mode serves its page on loopback; a restart boots the board
// again from the start, with the same Storage (the flash survives, the rest does not).
import type { Storage } from "../bindings";
import type { App, AppOptions } from "../core/app";
import { runSetup, SetupOptions } from "../core/setup";
import { start } from "../core/start";
import { simHardware, SimHardware, SimOptions } from "./bindings";

export interface SimBoardOptions {
  storage: Storage;
  app?: Partial<AppOptions>;
  setup?: SetupOptions;
  /** Hardware options for every boot; `heldAtBoot` applies to the first boot only. */
  sim?: SimOptions;
  /** How long the button must be held at power-on for setup mode (default 10 s, as on the board). */
  holdMs?: number;
  onLed?: (pattern: string, rgb: number, first: boolean) => void;
  /** Normal mode started (after every boot that reaches it). */
  onApp?: (app: App) => void;
  /** Setup mode's page is up at `url`. */
  onSetupPage?: (url: string) => void;
}

export interface SimBoard {
  /** The hardware of the current boot. */
  hw(): SimHardware;
  /** Normal mode's app of the current boot, if it got there. */
  app(): App | undefined;
  /** How many times the board booted (the first boot is 1). */
  boots(): number;
  /** Every pattern the LED started, across boots, in order. */
  patterns: string[];
  stop(): void;
}

export function bootSimBoard(o: SimBoardOptions): SimBoard {
  let hw: SimHardware | undefined;
  let app: App | undefined;
  let boots = 0;
  let stopped = false;
  const patterns: string[] = [];
  const onLed = (pattern: string, rgb: number, first: boolean): void => {
    if (first) patterns.push(pattern);
    o.onLed?.(pattern, rgb, first);
  };

  const boot = (): void => {
    if (stopped) return;
    if (hw) hw.dispose();
    app = undefined;
    boots++;
    const cur = simHardware({
      ...o.sim,
      heldAtBoot: boots === 1 && !!o.sim?.heldAtBoot,
      storage: o.storage,
      onSetup: () => runSetup(cur.bindings, { hold: o.holdMs ?? 10000, ...o.setup, onLed }),
      // A restart is asked from inside a timer of the old boot: the new boot starts on a fresh tick.
      onRestart: () => void setTimeout(boot, 0),
      onServe: (url) => o.onSetupPage?.(url),
    });
    hw = cur;
    app = start(cur.bindings, { fw: "sim", ...o.app, onLed });
    if (app) o.onApp?.(app);
  };
  boot();

  return {
    hw: () => hw!,
    app: () => app,
    boots: () => boots,
    patterns,
    stop() {
      stopped = true;
      app?.stop();
      hw?.dispose();
    },
  };
}
