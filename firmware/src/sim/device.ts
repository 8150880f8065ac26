// A simulated bttn: the real core on the Node bindings, with hands to press its button and eyes on
// its LED. The simulator CLI drives one; so do the end-to-end tests.
import type { DeviceFile } from "@bttn/shared";
import { App, AppOptions, startApp } from "../core/app";
import { simHardware, SimHardware, SimOptions } from "./bindings";

export type PressKind = "short" | "long" | "double";

export interface SimDevice {
  app: App;
  hw: SimHardware;
  /** Every pattern the LED started, in order. */
  patterns: string[];
  /** The pattern playing now and its colour. */
  led(): { pattern: string; rgb: number };
  /** Presses the button like a person would, for the kind given; resolves once released. */
  press(kind: PressKind): Promise<void>;
  /** Resolves with the first of `names` the LED shows from now on (or rejects after `ms`). */
  waitFor(names: string[], ms: number): Promise<string>;
  stop(): void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface SimDeviceOptions {
  app?: Partial<AppOptions>;
  sim?: SimOptions;
  onLed?: (pattern: string, rgb: number, first: boolean) => void;
}

export function startSimDevice(file: DeviceFile, o: SimDeviceOptions = {}): SimDevice {
  const hw = simHardware(o.sim);
  const patterns: string[] = [];
  let now = { pattern: "", rgb: 0 };
  let waiters: Array<(p: string) => void> = [];
  const onLed = (pattern: string, rgb: number, first: boolean) => {
    now = { pattern, rgb };
    if (first) {
      patterns.push(pattern);
      for (const w of waiters.slice()) w(pattern);
    }
    o.onLed?.(pattern, rgb, first);
  };
  const app = startApp(hw.bindings, file, { fw: "sim", ...o.app, onLed });
  const dev: SimDevice = {
    app,
    hw,
    patterns,
    led: () => now,
    async press(kind) {
      // Held times well clear of the thresholds, so a slow test machine cannot change the gesture.
      const tap = 80;
      if (kind === "long") {
        hw.button(true);
        await sleep(app.settings.longMs + 300);
        hw.button(false);
      } else if (kind === "double") {
        hw.button(true);
        await sleep(tap);
        hw.button(false);
        await sleep(tap);
        hw.button(true);
        await sleep(tap);
        hw.button(false);
      } else {
        hw.button(true);
        await sleep(tap);
        hw.button(false);
      }
      await sleep(app.settings.debounceMs + 10);
    },
    waitFor(names, ms) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== check);
          reject(new Error("LED did not show " + names.join(" or ") + " within " + ms + " ms (saw " + patterns.join(", ") + ")"));
        }, ms);
        const check = (p: string) => {
          if (names.indexOf(p) < 0) return;
          clearTimeout(timer);
          waiters = waiters.filter((w) => w !== check);
          resolve(p);
        };
        waiters.push(check);
      });
    },
    stop() {
      app.stop();
      hw.dispose();
    },
  };
  return dev;
}
