// Hand-written typings for exactly the part of Espruino 2v29 (ESP32 build) that bttn uses, so the
// compiler stops us from calling anything else by accident. Modules come from `require(name)`,
// which the Node typings already declare; cast its result to the interfaces below.

/** The argument of a setWatch callback: `state` is the pin level now, `time` seconds (getTime). */
interface EspruinoWatchEvent {
  state: boolean;
  time: number;
}

declare function setWatch(f: (e: EspruinoWatchEvent) => void, pin: number, o: { repeat: boolean; edge: "rising" | "falling" | "both"; debounce: number }): number;
declare function digitalRead(pin: number): number;
/** Duty 0..1; GPIO 25/26 are DAC outputs instead of PWM. */
declare function analogWrite(pin: number, duty: number): void;
/** 0..1 of full scale; ADC1 pins (32-39) only. */
declare function analogRead(pin: number): number;
/** Seconds since 1970 on the system clock (kept across deep sleep by the ESP32's RTC). */
declare function getTime(): number;

/** Resets the interpreter once the current code returns, then runs this Storage file (none: .bootcde). */
declare function load(name?: string): void;

declare const E: {
  /** A hardware reset: the board boots again from the start. */
  reboot(): void;
  /** `auto`: kicked by the interpreter whenever it is idle, so only a hang in JS or native code bites. */
  enableWatchdog(seconds: number, auto: boolean): void;
};

declare const ESP32: {
  /** 0 = not a deep-sleep wake, 2 = EXT0 (a pin), 4 = timer. */
  getWakeupCause(): number;
  /** Deep sleep until `pin` reaches `level` (RTC GPIOs only). Does not return. */
  deepSleepExt0(pin: number, level: number): void;
};

interface EspruinoStorage {
  read(name: string): string | undefined;
  write(name: string, data: string): boolean;
  erase(name: string): void;
}

interface EspruinoWifi {
  /** `done(err)` runs once an IP address is up (err null); on ESP32 it never runs on failure. */
  connect(ssid: string, o: { password?: string }, done: (err: string | null) => void): void;
  disconnect(): void;
  /**
   * Static IP settings (ESP32 has it since before 2v29; not every board does). On ESP32 the
   * callback is required (without it: "Callback is not a function"), as are gw and netmask.
   */
  setIP?: (o: { ip: string; gw: string; netmask: string }, done: () => void) => void;
  on(event: "disconnected", f: () => void): void;
  /** `rssi` is there while connected. */
  getStatus(): { rssi?: number };
}

interface EspruinoWifiAP {
  /** Starts an access point (the board is 192.168.4.1 on it); `done(err)` once it is up. */
  startAP(ssid: string, o: { authMode: "open" }, done: (err: string | null) => void): void;
}

/** A request to the HTTP server: `data` for the body, `end` once all of it (Content-Length) is in. */
interface EspruinoHttpRequest {
  method: string;
  url: string;
  on(event: "data", f: (data: string) => void): void;
  on(event: "end", f: () => void): void;
}

interface EspruinoHttpResponse {
  writeHead(status: number, headers: { [name: string]: string }): void;
  end(data: string): void;
}

interface EspruinoHttp {
  createServer(f: (req: EspruinoHttpRequest, res: EspruinoHttpResponse) => void): { listen(port: number): void };
}

interface EspruinoSocket {
  write(data: string): boolean;
  end(): void;
  on(event: "data", f: (data: string) => void): void;
  on(event: "close" | "error", f: () => void): void;
}

interface EspruinoNet {
  connect(o: { host: string; port: number }, connected: () => void): EspruinoSocket;
}
