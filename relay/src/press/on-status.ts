// `<prefix>/<id>/status`: a device says it is online (with its firmware version, battery and
// signal) or, through its MQTT will, offline.
import { decodeStatus } from "@bttn/shared";
import type { PressDeps } from "./deps";
import { reject } from "./reject";
import type { TopicHandler } from "./route";

export function onStatus(d: PressDeps): TopicHandler {
  return (id, topic, text, done) => {
    const s = decodeStatus(text);
    if (!s.ok) reject(d, topic, s.error);
    else if (!d.bttns.get(id)) reject(d, topic, "no bttn with id " + JSON.stringify(id) + " is configured");
    else {
      const now = Date.now();
      d.status.setOnline(id, s.value.online, s.value.fw, now);
      if (s.value.bat !== undefined || s.value.rssi !== undefined) d.status.heard(id, s.value.bat, s.value.rssi, now);
      d.log.info(s.value.online ? "bttn online" : "bttn offline", { bttn: id, fw: s.value.fw });
      d.news?.tell("heard", { bttn: id, online: s.value.online, fw: s.value.fw, bat: s.value.bat, rssi: s.value.rssi, at: now });
    }
    done();
  };
}
