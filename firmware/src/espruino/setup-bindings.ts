// What setup mode adds to the board's bindings: an open access point, a web server on port 80 and
// a hardware restart. Only the setup bundle (setup-main.ts) contains this code.
import { SETUP_BODY_MAX, SetupBindings } from "../bindings";

// The few parts shared with normal mode are one-liners, written again here rather than taken from
// espruinoBindings(), which would bring all of normal mode's bindings into this bundle.
export function espruinoSetupBindings(): SetupBindings {
  const wifi = require("Wifi") as EspruinoWifiAP;
  const http = require("http") as EspruinoHttp;
  const log = (msg: string): void => console.log(msg);
  return {
    now: () => getTime() * 1000,
    isDown: (pin) => !digitalRead(pin),
    after: (ms, f) => setTimeout(f, ms),
    cancel: (t) => t && clearTimeout(t as number),
    pwm: (pin, duty) => analogWrite(pin, duty),
    storage: require("Storage") as EspruinoStorage,
    log: log,
    ap(ssid) {
      wifi.startAP(ssid, { authMode: "open" }, (err) => {
        if (err) log("access point: " + err);
      });
    },
    serve(f) {
      http
        .createServer((req, res) => {
          let body = "";
          let done = false;
          const reply = (status: number, html: string): void => {
            if (done) return;
            done = true;
            res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", Connection: "close" });
            res.end(html);
          };
          req.on("data", (d) => {
            if (done) return;
            body += d;
            if (body.length > SETUP_BODY_MAX) reply(413, "too large");
          });
          req.on("end", () => {
            if (!done) f(req.method, req.url, body, reply);
          });
        })
        .listen(80);
    },
    restart() {
      E.reboot();
    },
    normal() {
      load(); // .bootcde, normal mode's bundle, on an emptied interpreter
    },
  };
}
