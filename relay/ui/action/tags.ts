// The tags an action may hold, with what each becomes: README's tag table, one tag a line, for the
// tag picker. relay/test/console-fields.test.ts checks this list against the engine's tags and the
// README, so none is missing or made up.
export const TAGS: Array<{ tag: string; means: string }> = [
  { tag: "DATE", means: "press date in the bttn's time zone, such as 2015-10-01 (a queued press keeps its own time)" },
  { tag: "TIME", means: "press time, such as 10:49:30" },
  { tag: "DATETIME", means: "press date and time with the zone's offset, such as 2015-10-01T10:49:30+0300" },
  { tag: "UNIXTIME", means: "press time in seconds since 1970" },
  { tag: "NAME", means: "the bttn's name" },
  { tag: "USER", means: "the bttn's user" },
  { tag: "LOCATION", means: "the bttn's location" },
  { tag: "EMAILADDRESS", means: "the bttn's e-mail address" },
  { tag: "LANGUAGE", means: "the bttn's language" },
  { tag: "URL", means: "the bttn's URL property" },
  { tag: "ID", means: "the bttn's id" },
  { tag: "DEVICEID", means: "the device id (the bttn's id when not set)" },
  { tag: "EID", means: "the event's unique id" },
  { tag: "ETYPE", means: "the event type: pressed, pressed-long, pressed-double, heartbeat, not-pressed" },
  { tag: "COUNTER", means: "press count, all types" },
  { tag: "COUNTERP", means: "count of short presses" },
  { tag: "COUNTERL", means: "count of long presses" },
  { tag: "COUNTERD", means: "count of double presses" },
  { tag: "COUNTERN", means: "count of not-pressed events" },
  { tag: "CALLBACKURL", means: "this press's callback URL, for async actions" },
  { tag: "BATTERY", means: "battery voltage the device reported (volts)" },
  { tag: "RSSI", means: "Wi-Fi signal the device reported (dBm)" },
  { tag: "AGE", means: "ms the press waited on the device before it was sent" },
];
