// The firmware's entry: what .bootcde runs at every boot and every wake from deep sleep.
import { start } from "../core/start";
import { espruinoBindings } from "./bindings";

/** Set by the build from firmware/package.json. */
declare const FW_VERSION: string;

start(espruinoBindings(), { fw: FW_VERSION });
