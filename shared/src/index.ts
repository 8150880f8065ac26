// @bttn/shared: the protocol both the firmware and the relay compile. Espruino dialect only
// (docs/espruino.md): the firmware build's dialect gate checks it.
export * from "./topics";
export * from "./reasons";
export * from "./messages";
export * from "./device-file";
export { asciiJson } from "./check";
