// The device check: the built firmware bundle on the real Espruino interpreter (its Linux build),
// against the real relay, scenario by scenario. See firmware/README.md, "Device check".
//   ESPRUINO_BIN=/path/to/espruino BTTN_BUNDLE=firmware/dist/bttn.js npm run device-check
// Without ESPRUINO_BIN it says what it needs in one line and exits 0: CI cannot build Espruino.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startInterpreter } from "./interpreter";
import { watchDevice } from "./device";
import { startWorld } from "./world";
import { Context, rejected, SCENARIOS } from "./scenarios";

export const SKIP_LINE =
  "device check skipped: it needs a Linux build of the Espruino interpreter in ESPRUINO_BIN (from Espruino's public source: make RELEASE=1; see firmware/README.md, Device check)";

const ROOT = join(import.meta.dirname, "..", "..");

async function main(): Promise<number> {
  const bin = process.env.ESPRUINO_BIN;
  if (!bin) {
    console.log(SKIP_LINE);
    return 0;
  }
  if (!existsSync(bin)) {
    console.error("device check: ESPRUINO_BIN " + bin + " does not exist");
    return 1;
  }
  const bundlePath = process.env.BTTN_BUNDLE || join(ROOT, "firmware", "dist", "bttn.js");
  if (!existsSync(bundlePath)) {
    console.error("device check: no bundle at " + bundlePath + ": run npm run build first, or set BTTN_BUNDLE");
    return 1;
  }
  const bundle = readFileSync(bundlePath);
  console.log("device check: " + bundlePath + " (" + bundle.length + " bytes) on " + bin);

  const world = await startWorld();
  const it = await startInterpreter(bin);
  const version = await it.ask("process.env.VERSION+' '+process.env.BOARD");
  console.log("interpreter: Espruino " + version);
  const dev = watchDevice(it);
  const c: Context = { dev, world, bundle, say: (l) => console.log("  " + l) };
  let failed = 0;
  let skipRest = "";
  try {
    for (const s of SCENARIOS) {
      if (skipRest) {
        failed++;
        console.log("FAIL " + s.name + ": not run, " + skipRest);
        continue;
      }
      const errors = dev.errors.length;
      const refusals = rejected(world).length;
      const started = Date.now();
      try {
        const said = await s.run(c);
        const newErrors = dev.errors.slice(errors);
        if (newErrors.length) throw new Error("the interpreter said: " + newErrors.join(" | "));
        const newRejected = rejected(world).slice(refusals);
        if (newRejected.length && !/wrong secret/.test(s.name)) throw new Error("the relay rejected " + newRejected.length + " message(s): " + newRejected[0]);
        console.log("PASS " + s.name + " (" + ((Date.now() - started) / 1000).toFixed(1) + " s): " + said);
      } catch (e) {
        failed++;
        console.log("FAIL " + s.name + ": " + (e as Error).message);
        // The console's last lines but the LED's (those are in the verdict already).
        for (const l of it.tail(200).filter((x) => !/@pwm /.test(x)).slice(-12)) console.log("    | " + l);
        // Without a boot nothing else can run; a bttn the relay does not see online still presses.
        if (SCENARIOS.indexOf(s) === 0) skipRest = "the bttn did not boot";
      }
    }
  } finally {
    await it.stop();
    await world.close();
  }
  console.log("device check: " + (SCENARIOS.length - failed) + " passed, " + failed + " failed");
  return failed ? 1 : 0;
}

// Ctrl-C: exit through process.exit, so that the interpreter is killed on the way out.
process.on("SIGINT", () => process.exit(130));

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error("device check: " + ((e as Error).stack ?? e));
    process.exit(1);
  },
);
