// Stored as .boot0 on the device check's interpreter: Espruino runs it before .bootcde at every
// load(), so it stands in for the ESP32's hardware under the names the firmware's Espruino
// bindings (firmware/src/espruino/bindings.ts) use. It replaces only what the Linux build lacks or
// cannot drive (pins, the Wifi module, deep sleep, the watchdog); net, Storage, timers and the
// interpreter itself are the real ones. It speaks on the console in lines starting with "@":
//   @pwm <ms> <pin> <0-255>   an LED write (ms since this load)
//   @sleep <how>              the firmware asked for deep sleep
//   @watchdog <s>             the firmware armed the watchdog
// and the check drives it through the global __dc (press the button, drop and restore Wi-Fi).
// Plain ES5 on purpose: it runs on the interpreter, not through the build.
(function () {
  var g = global;
  var BUTTON = 27; // the default pins (core/settings.ts pinsOf): the check's bttn.json sets none
  var t0 = getTime();
  var level = 1; // the button's pin is pulled up: pressed is low
  var watches = [];
  var wifiUp = true;
  var wifiHandlers = [];
  var waiting = null; // a Wifi.connect made while the "radio" is off

  function ms() {
    return Math.round((getTime() - t0) * 1000);
  }
  function edge(v) {
    level = v;
    var t = getTime();
    for (var i = 0; i < watches.length; i++) {
      if (watches[i].pin === BUTTON) watches[i].f({ state: !!v, time: t, lastTime: t });
    }
  }

  g.setWatch = function (f, pin) {
    watches.push({ f: f, pin: pin });
    return watches.length;
  };
  g.digitalRead = function (pin) {
    return pin === BUTTON ? level : 0;
  };
  g.analogWrite = function (pin, duty) {
    print("@pwm " + ms() + " " + pin + " " + Math.round(duty * 255));
  };
  g.analogRead = function () {
    return 0;
  };
  g.ESP32 = {
    getWakeupCause: function () {
      return 0; // a power-on, never a wake from deep sleep
    },
    deepSleepExt0: function (pin) {
      print("@sleep button " + pin);
    },
    deepSleep: function (us) {
      print("@sleep timer " + us);
    },
  };
  E.enableWatchdog = function (s) {
    print("@watchdog " + s);
  };

  g.__dcWifi = {
    connect: function (ssid, o, cb) {
      var go = function () {
        setTimeout(function () {
          cb(null);
        }, 50);
      };
      if (wifiUp) go();
      else waiting = go;
    },
    disconnect: function () {
      waiting = null;
    },
    on: function (ev, f) {
      if (ev === "disconnected") wifiHandlers.push(f);
    },
    getStatus: function () {
      return { station: wifiUp ? "connected" : "off", rssi: wifiUp ? -61 : undefined };
    },
    setIP: function (o, cb) {
      if (!o.gw || !o.netmask) throw new Error("gw and netmask needed"); // as on ESP32 2v29
      cb();
    },
  };
  // The Linux build has no Wifi module: require("Wifi") finds this one in the module cache.
  Modules.addCached("Wifi", "module.exports=__dcWifi");

  g.__dc = {
    /** Holds the button down for `downMs`. */
    press: function (downMs) {
      edge(0);
      setTimeout(function () {
        edge(1);
      }, downMs);
    },
    /** Down and up times in turn, starting with down: [80, 150, 80] is a double press. */
    presses: function (times) {
      var i = 0;
      var next = function () {
        if (i >= times.length) return;
        edge(i % 2 ? 1 : 0);
        setTimeout(next, times[i++]);
      };
      next();
      // The last step releases the button whatever the list's length.
      setTimeout(function () {
        edge(1);
      }, times.reduce(function (a, b) {
        return a + b;
      }, 0) + 1);
    },
    /** The radio loses the access point: the "disconnected" handlers run, connects wait. */
    dropWifi: function () {
      wifiUp = false;
      for (var i = 0; i < wifiHandlers.length; i++) wifiHandlers[i]({ reason: "beacon_timeout" });
    },
    restoreWifi: function () {
      wifiUp = true;
      var w = waiting;
      waiting = null;
      if (w) w();
    },
  };
})();
