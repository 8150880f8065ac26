// Setup mode's entry: the bundle bttn-setup.js, which normal mode load()s from Storage only when a
// bttn has no Wi-Fi settings or its button is down at power-on (then held for 10 s in all).
import { runSetup } from "../core/setup";
import { espruinoSetupBindings } from "./setup-bindings";

runSetup(espruinoSetupBindings(), { hold: 10000 });
