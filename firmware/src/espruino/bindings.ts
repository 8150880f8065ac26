// The bindings on a real board: Espruino's globals and its Storage, Wifi and net modules.
import { Bindings } from "../bindings";

/** Setup mode's bundle in Storage (flash.sh writes it next to .bootcde). */
export const SETUP_FILE = "bttn-setup.js";

export function espruinoBindings(): Bindings {
  // Its read, write and erase are the Storage binding as they are.
  const storage = require("Storage") as EspruinoStorage;
  const wifi = require("Wifi") as EspruinoWifi;
  const net = require("net") as EspruinoNet;
  return {
    now() {
      return getTime() * 1000;
    },
    after(ms, f) {
      return setTimeout(f, ms);
    },
    cancel(t) {
      if (t) clearTimeout(t as number);
    },
    watch(pin, debounceMs, f) {
      // A short native debounce keeps bounce bursts out of the JS event queue; the core settles the rest.
      setWatch(
        (e) => {
          f(!e.state, e.time * 1000);
        },
        pin,
        { repeat: true, edge: "both", debounce: Math.min(10, debounceMs) },
      );
    },
    isDown(pin) {
      return !digitalRead(pin); // the ESP32 pulls watched pins up: pressed is low
    },
    pwm(pin, duty) {
      analogWrite(pin, duty);
    },
    adc(pin) {
      return analogRead(pin);
    },
    connect(host, port, h) {
      let closed = false;
      const close = (): void => {
        if (!closed) {
          closed = true;
          h.close();
        }
      };
      try {
        const s = net.connect({ host: host, port: port }, h.open);
        s.on("data", h.data);
        s.on("close", close);
        s.on("error", close);
        return s;
      } catch (e) {
        // A refused connection can throw here instead of emitting `error`; report it like one.
        setTimeout(close, 0);
        return { write: () => {}, end: () => {} } as unknown as EspruinoSocket;
      }
    },
    wifi: {
      connect(w, done) {
        if (!w) {
          done(); // no Wi-Fi settings: the board's own saved Wi-Fi (Wifi.save) is in charge
          return;
        }
        const join = (): void => {
          wifi.connect(w.ssid, { password: w.password }, (err) => {
            if (!err) done();
          });
        };
        if (!w.ip || !wifi.setIP) {
          join();
          return;
        }
        // ESP32: setIP throws without a callback (and without gw or netmask, which bttn.json's
        // check requires together). Its callback's argument is not a reliable error: ignore it.
        try {
          wifi.setIP({ ip: w.ip, gw: w.gateway as string, netmask: w.netmask as string }, join);
        } catch (e) {
          console.log("wifi: setIP: " + e);
          join();
        }
      },
      off() {
        wifi.disconnect();
      },
      onDrop(f) {
        wifi.on("disconnected", f);
      },
      rssi() {
        try {
          return wifi.getStatus().rssi;
        } catch (e) {
          return undefined;
        }
      },
    },
    storage: storage,
    wake() {
      const c = ESP32.getWakeupCause();
      return c === 2 ? "button" : c === 4 ? "timer" : "";
    },
    sleep(ms, pin) {
      // Espruino starts deep sleep inside deepSleep(us) and deepSleepExt0(pin) alike, so one sleep
      // can have only one wake source. The button wins: a bttn that ignores its button is broken;
      // a missed heartbeat is not. (Heartbeats in sleep mode therefore need a newer Espruino.)
      void ms;
      ESP32.deepSleepExt0(pin, 0);
    },
    watchdog(seconds) {
      E.enableWatchdog(seconds, true);
    },
    log(msg) {
      console.log(msg);
    },
    setup() {
      // load() empties the interpreter before it runs the file: setup mode gets all the memory.
      if (storage.read(SETUP_FILE) === undefined) return false;
      load(SETUP_FILE);
      return true;
    },
  };
}
