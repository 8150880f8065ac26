// The only door between the platform-free core and a platform. The Espruino build implements it
// with Espruino's globals and modules; the simulator and the tests implement it on Node. Keep it
// small: every method here is code on the device.

/** A TCP connection carrying byte strings (each character is one byte, 0-255). */
export interface Socket {
  write(data: string): void;
  /** Closes the connection; `close` is still reported through the handlers. */
  end(): void;
}

export interface SocketHandlers {
  /** The connection is open and writable. */
  open(): void;
  data(bytes: string): void;
  /** The connection is gone (refused, reset, closed by either side). Reported once. */
  close(): void;
}

export interface WifiSettings {
  ssid: string;
  password?: string;
  ip?: string;
  gateway?: string;
  netmask?: string;
  dns?: string;
}

export interface Wifi {
  /** Starts connecting; `done` runs once when an IP address is up. May never run: callers time out. */
  connect(w: WifiSettings | undefined, done: () => void): void;
  /** Stops the radio's attempt or connection (before a retry or sleep). */
  off(): void;
  /** Called whenever an established connection drops. */
  onDrop(f: () => void): void;
  /** Signal strength in dBm while connected, when known. */
  rssi(): number | undefined;
}

export interface Storage {
  read(name: string): string | undefined;
  write(name: string, data: string): void;
  erase(name: string): void;
}

/** Why the board started: a wake from deep sleep by the button or the timer, or anything else. */
export type WakeCause = "button" | "timer" | "";

export interface Bindings {
  /** Milliseconds on a clock that keeps running across deep sleep where the platform can. */
  now(): number;
  after(ms: number, f: () => void): unknown;
  /** Cancels a timer from `after`; ignores a falsy handle (Espruino's clearTimeout() clears ALL). */
  cancel(t: unknown): void;
  /** Reports every edge of the button (down = pressed) with its time; `debounceMs` is a hint. */
  watch(pin: number, debounceMs: number, f: (down: boolean, t: number) => void): void;
  isDown(pin: number): boolean;
  /** PWM duty 0..1 on a pin (polarity is the core's business). */
  pwm(pin: number, duty: number): void;
  /** ADC reading 0..1 of full scale (3.3 V), or undefined when there is no ADC. */
  adc(pin: number): number | undefined;
  /** Opens a TCP connection. Handlers never run before connect() has returned, even on failure. */
  connect(host: string, port: number, h: SocketHandlers): Socket;
  wifi: Wifi;
  storage: Storage;
  wake(): WakeCause;
  /** Deep sleep until the button (pulled low) or, where possible, `ms` pass. Does not return on a device. */
  sleep(ms: number, buttonPin: number): void;
  watchdog(seconds: number): void;
  log(msg: string): void;
  /** Leaves normal mode for setup mode, whose code is loaded only now; false when it is not on the board. */
  setup(): boolean;
}

/** Answers one HTTP request: a status and a page (byte string) sent as text/html; charset=utf-8. */
export type Reply = (status: number, html: string) => void;

/** What setup mode needs: a few of the Bindings' parts, an access point, a web server and a restart. */
export interface SetupBindings extends Pick<Bindings, "now" | "after" | "cancel" | "isDown" | "pwm" | "storage" | "log"> {
  /** Opens an open (passwordless) Wi-Fi access point with this name; the board is its gateway. */
  ap(ssid: string): void;
  /** Serves HTTP on port 80 (the simulator: a free loopback port); `f` gets each request with its
   * whole body, at most SETUP_BODY_MAX bytes (a longer one is answered 413 without calling `f`). */
  serve(f: (method: string, path: string, body: string, reply: Reply) => void): void;
  /** Restarts the board into normal mode (it boots again from the start). */
  restart(): void;
  /** Back to normal mode without a restart (the button was let go before the hold's end). */
  normal(): void;
}

/** The largest request body setup mode reads: the form's fields, percent-encoded, fit well within. */
export const SETUP_BODY_MAX = 2048;

