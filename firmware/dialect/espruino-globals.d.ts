// The globals Espruino 2v29 has beyond ES5, for firmware/tsconfig.device.json: that config type-checks
// the device's code against ES5's library plus this file instead of Node's and ES2015's, so using
// Map, Set, Symbol, Array.from, Promise.race, Number.isInteger, Math.trunc, trimStart and the like
// is a compile error before the bundle's dialect gate sees it (docs/espruino.md lists the rules).
// Only what the interpreter really has goes here; firmware/src/espruino/espruino.d.ts has the
// board's own API (pins, Wi-Fi, Storage).

declare function require(module: string): unknown;
declare function setTimeout(f: () => void, ms: number): number;
/** Always with an id: on Espruino clearTimeout() without one clears EVERY timer. */
declare function clearTimeout(id: number): void;
declare const console: { log(...values: unknown[]): void };

interface ObjectConstructor {
  assign<T extends object, U>(target: T, source: U): T & U;
  assign<T extends object, U, V>(target: T, a: U, b: V): T & U & V;
  values(o: object): unknown[];
  entries(o: object): [string, unknown][];
}

/** then/catch and all/resolve/reject work; race, allSettled, any and finally do not. */
interface PromiseConstructor {
  new <T>(executor: (resolve: (value: T) => void, reject: (reason?: unknown) => void) => void): Promise<T>;
  all<T>(values: readonly (T | PromiseLike<T>)[]): Promise<T[]>;
  resolve<T>(value: T | PromiseLike<T>): Promise<T>;
  resolve(): Promise<void>;
  reject<T = never>(reason?: unknown): Promise<T>;
}
declare var Promise: PromiseConstructor;
