import { test } from "uvu";
import * as assert from "uvu/assert";
import { ActionError } from "../src/engine/http";
import { TAG_NAMES, TagContext, isValidTimeZone, localTime, pressTime } from "../src/engine/tags";
import {
  compileTemplate, renderArgs, renderHeader, renderJsonTemplate, renderPlain, renderUrl,
} from "../src/engine/render";

function ctx(over: Partial<TagContext> = {}): TagContext {
  return {
    pressedAt: new Date("2015-10-01T07:49:30.750Z"),
    timeZone: "Europe/Helsinki",
    bttn: {
      id: "kitchen1",
      deviceId: "0123456789abcdef",
      name: "Coffee",
      user: "Ann",
      location: "Kitchen",
      email: "ann@example.org",
      language: "fi",
      url: "https://bttn.example/kitchen1",
    },
    eventId: "kitchen1-9f2c41aa-3",
    eventType: "pressed-long",
    counters: { total: 42, pressed: 30, long: 7, notPressed: 5, double: 3 },
    callbackUrl: "https://relay.example/callback/abc",
    battery: 3.02,
    rssi: -61,
    ageMs: 1500,
    ...over,
  };
}

function bare(): TagContext {
  return {
    pressedAt: new Date("2015-10-01T07:49:30Z"),
    timeZone: "UTC",
    bttn: { id: "b1" },
    eventId: "e1",
    eventType: "pressed",
    counters: { total: 0, pressed: 0, long: 0, notPressed: 0 },
  };
}

function throwsAction(fn: () => unknown, reason: string, message: string | RegExp): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, ActionError);
    assert.is((e as ActionError).reason, reason);
    if (typeof message === "string") assert.is((e as Error).message, message);
    else assert.match((e as Error).message, message);
    return;
  }
  assert.unreachable("expected an ActionError");
}

// --- Every tag ---------------------------------------------------------------------------------

test("every known tag expands", () => {
  const expected: Record<string, string> = {
    DATE: "2015-10-01",
    TIME: "10:49:30",
    DATETIME: "2015-10-01T10:49:30+0300",
    UNIXTIME: "1443685770",
    NAME: "Coffee",
    USER: "Ann",
    LOCATION: "Kitchen",
    EMAILADDRESS: "ann@example.org",
    LANGUAGE: "fi",
    ID: "kitchen1",
    DEVICEID: "0123456789abcdef",
    URL: "https://bttn.example/kitchen1",
    EID: "kitchen1-9f2c41aa-3",
    ETYPE: "pressed-long",
    COUNTER: "42",
    COUNTERP: "30",
    COUNTERL: "7",
    COUNTERN: "5",
    COUNTERD: "3",
    CALLBACKURL: "https://relay.example/callback/abc",
    BATTERY: "3.02",
    RSSI: "-61",
    AGE: "1500",
  };
  assert.equal(Object.keys(expected).sort(), [...TAG_NAMES].sort());
  for (const name of TAG_NAMES) {
    assert.is(renderPlain("[<" + name + ">]", ctx()), "[" + expected[name] + "]", name);
  }
});

test("a known tag with no value renders empty; DEVICEID falls back to ID", () => {
  const out = renderPlain("<NAME>|<USER>|<LOCATION>|<EMAILADDRESS>|<LANGUAGE>|<URL>|<COUNTERD>|<CALLBACKURL>|<BATTERY>|<RSSI>|<AGE>|<DEVICEID>", bare());
  assert.is(out, "|||||||||||b1");
  assert.is(renderPlain("<COUNTER>/<COUNTERP>", bare()), "0/0");
});

test("many tags and text mixed in one template", () => {
  assert.is(
    renderPlain("Hi <USER>, <NAME> at <LOCATION> said <ETYPE> #<COUNTER> on <DATE>.", ctx()),
    "Hi Ann, Coffee at Kitchen said pressed-long #42 on 2015-10-01.",
  );
  assert.is(renderPlain("<ID><ID><ID>", ctx()), "kitchen1kitchen1kitchen1");
  assert.is(renderPlain("", ctx()), "");
});

// --- Unknown tags and the escape ---------------------------------------------------------------

test("unknown tags, lowercase tags and stray brackets stay as written", () => {
  const ts = [
    "<b>hello</b>",
    "<FOO> and <NAMES> and <NAME_>",
    "<date> <Name>",
    "a < b > c <",
    "<NAME",
    "NAME>",
    "< NAME>",
    "<NAME >",
    "<>",
    "<constructor> <CONSTRUCTOR> <__proto__>",
    "x<<",
  ];
  for (const t of ts) assert.is(renderPlain(t, ctx()), t, t);
  assert.is(renderPlain("<p><NAME></p>", ctx()), "<p>Coffee</p>");
});

test("<<TAG> renders the tag literally, for known and unknown tag names", () => {
  assert.is(renderPlain("<<DATE>", ctx()), "<DATE>");
  assert.is(renderPlain("<<NAME> is <NAME>", ctx()), "<NAME> is Coffee");
  assert.is(renderPlain("<<FOO>", ctx()), "<FOO>");
  // Not tag-shaped: nothing to escape, so both brackets stay.
  assert.is(renderPlain("<<b>", ctx()), "<<b>");
  assert.is(renderPlain("1 << 2", ctx()), "1 << 2");
  // Only the pair right before the name escapes; one more "<" stays as text.
  assert.is(renderPlain("<<<DATE>", ctx()), "<<DATE>");
  assert.is(renderPlain("<< <NAME>", ctx()), "<< Coffee");
  // An escaped tag is not a use of that tag.
  assert.equal(compileTemplate("<<CALLBACKURL>").tags, []);
});

// --- Escapers ----------------------------------------------------------------------------------

const NASTY = 'He said "hi" \\ back\nnew line\ttab é 厨房 😀 &=?#/+%';

test("renderUrl percent-encodes values and leaves the template's own text alone", () => {
  const c = ctx({ bttn: { id: "b1", name: NASTY } });
  const url = renderUrl("https://h.example/p/<ID>?name=<NAME>&raw=a%20b&t=<DATETIME>#frag", c);
  assert.ok(url.startsWith("https://h.example/p/b1?name="), url);
  assert.ok(url.endsWith("&raw=a%20b&t=2015-10-01T10%3A49%3A30%2B0300#frag"), url);
  const u = new URL(url);
  assert.is(u.searchParams.get("name"), NASTY);
  assert.is(u.searchParams.get("t"), "2015-10-01T10:49:30+0300");
  assert.is(u.searchParams.get("raw"), "a b");
  assert.is(u.hash, "#frag");
  // A lone surrogate (a name cut inside an emoji) must not throw.
  const lone = renderUrl("?n=<NAME>", ctx({ bttn: { id: "b1", name: "x\ud83d" } }));
  assert.is(lone, "?n=x%EF%BF%BD");
});

test("renderArgs + URLSearchParams carries &=?# through a form body intact", () => {
  const c = ctx({ bttn: { id: "b1", name: NASTY } });
  const args = renderArgs({ name: "<NAME>", "a&b": "x=<ID>" }, c);
  const form = new URLSearchParams(args as Record<string, string>).toString();
  const back = new URLSearchParams(form);
  assert.is(back.get("name"), NASTY);
  assert.is(back.get("a&b"), "x=b1");
});

test("renderJsonTemplate escapes values as JSON string contents", () => {
  const c = ctx({ bttn: { id: "b1", name: NASTY }, counters: { total: 7, pressed: 7, long: 0, notPressed: 0 } });
  const body = renderJsonTemplate('{"name":"<NAME>","n":"<COUNTER>","raw":<COUNTER>,"tpl":"keep \\" <b>"}', c);
  const parsed = JSON.parse(body);
  assert.equal(parsed, { name: NASTY, n: "7", raw: 7, tpl: 'keep " <b>' });
  // Control characters and lone surrogates come out as \u escapes, still valid JSON.
  const odd = renderJsonTemplate('{"n":"<NAME>"}', ctx({ bttn: { id: "b1", name: "a\u0000b\u001fc\ud800" } }));
  assert.is(odd, '{"n":"a\\u0000b\\u001fc\\ud800"}');
  assert.equal(JSON.parse(odd), { n: "a\u0000b\u001fc\ud800" });
  // Ordinary values are passed through untouched.
  assert.is(renderJsonTemplate('"<ID>"', ctx()), '"kitchen1"');
});

test("renderPlain does no escaping at all", () => {
  assert.is(renderPlain("<NAME>", ctx({ bttn: { id: "b1", name: NASTY } })), NASTY);
});

test("renderArgs deep-renders string values and keeps everything else", () => {
  const input = {
    id: "<ID>",
    n: 5,
    yes: true,
    none: null,
    keyed: { "<ID>": "<COUNTER>" },
    list: ["<ETYPE>", 1, false, { deep: ["<NAME>"] }],
  };
  const snapshot = JSON.stringify(input);
  const out = renderArgs(input, ctx());
  assert.equal(out, {
    id: "kitchen1",
    n: 5,
    yes: true,
    none: null,
    keyed: { "<ID>": "42" },
    list: ["pressed-long", 1, false, { deep: ["Coffee"] }],
  });
  assert.is(JSON.stringify(input), snapshot, "the input is not modified");
  const proto = renderArgs(JSON.parse('{"__proto__":"<ID>"}'), ctx());
  assert.is(JSON.stringify(proto), '{"__proto__":"kitchen1"}');
  assert.is(Object.getPrototypeOf(proto), Object.prototype);
});

// --- Headers -----------------------------------------------------------------------------------

test("renderHeader renders ordinary values as they are", () => {
  assert.is(renderHeader("Bearer <ID>-<COUNTER>", ctx(), "Authorization"), "Bearer kitchen1-42");
  assert.is(renderHeader("a\tb <NAME>", ctx(), "X-Tab"), "a\tb Coffee");
});

test("renderHeader refuses a value that would break the header", () => {
  throwsAction(
    () => renderHeader("n=<NAME>", ctx({ bttn: { id: "b1", name: "evil\r\nX-Injected: 1" } }), "X-Name"),
    "bad-request",
    "header X-Name: tag <NAME> would put a line break into a header",
  );
  throwsAction(
    () => renderHeader("<LOCATION>", ctx({ bttn: { id: "b1", location: "a\nb" } }), "X-Loc"),
    "bad-request",
    "header X-Loc: tag <LOCATION> would put a line break into a header",
  );
  throwsAction(
    () => renderHeader("<USER>", ctx({ bttn: { id: "b1", user: "a\u0000b" } }), "X-User"),
    "bad-request",
    "header X-User: tag <USER> would put a control character into a header",
  );
  throwsAction(() => renderHeader("a\r\nb: <ID>", ctx(), "X-T"), "bad-request", /^header X-T: .*line break/);
});

test("renderHeader sends non-ASCII text as UTF-8 bytes", () => {
  const out = renderHeader("<NAME>", ctx({ bttn: { id: "b1", name: "Küche 厨房" } }), "X-Name");
  assert.not.match(out, /[^\x00-\xff]/);
  assert.is(Buffer.from(out, "latin1").toString("utf8"), "Küche 厨房");
});

// --- Date and time -----------------------------------------------------------------------------

function dt(iso: string, zone: string | undefined): string {
  return renderPlain("<DATETIME>", ctx({ pressedAt: new Date(iso), timeZone: zone }));
}

test("DATETIME carries the zone's offset at that instant, DST included", () => {
  assert.is(dt("2015-07-01T07:49:30Z", "Europe/Helsinki"), "2015-07-01T10:49:30+0300");
  assert.is(dt("2015-12-01T08:49:30Z", "Europe/Helsinki"), "2015-12-01T10:49:30+0200");
  // The spring-forward second in Helsinki: 03:00 local never happens.
  assert.is(dt("2015-03-29T00:59:59Z", "Europe/Helsinki"), "2015-03-29T02:59:59+0200");
  assert.is(dt("2015-03-29T01:00:00Z", "Europe/Helsinki"), "2015-03-29T04:00:00+0300");
  assert.is(dt("2015-10-01T05:19:30Z", "Asia/Kolkata"), "2015-10-01T10:49:30+0530");
  assert.is(dt("2015-10-01T05:04:30Z", "Asia/Kathmandu"), "2015-10-01T10:49:30+0545");
  assert.is(dt("2015-07-01T14:49:30Z", "America/New_York"), "2015-07-01T10:49:30-0400");
  assert.is(dt("2015-01-01T15:49:30Z", "America/New_York"), "2015-01-01T10:49:30-0500");
  assert.is(dt("2015-10-01T07:49:30Z", "UTC"), "2015-10-01T07:49:30+0000");
  // A zone ahead of UTC is already on the next day.
  assert.is(dt("2015-10-01T12:00:00Z", "Pacific/Auckland"), "2015-10-02T01:00:00+1300");
});

test("midnight is 00, not 24", () => {
  assert.is(renderPlain("<DATE> <TIME>", ctx({ pressedAt: new Date("2015-10-01T00:00:00Z"), timeZone: "UTC" })), "2015-10-01 00:00:00");
});

test("consecutive renders in different zones and seconds do not share a stale time", () => {
  const at = "2015-10-01T07:49:30Z";
  assert.is(dt(at, "Europe/Helsinki"), "2015-10-01T10:49:30+0300");
  assert.is(dt(at, "Asia/Kolkata"), "2015-10-01T13:19:30+0530");
  assert.is(dt(at, "Europe/Helsinki"), "2015-10-01T10:49:30+0300");
  assert.is(dt("2015-10-01T07:49:31Z", "Europe/Helsinki"), "2015-10-01T10:49:31+0300");
  assert.is(dt("2015-10-01T07:49:31.999Z", "Europe/Helsinki"), "2015-10-01T10:49:31+0300");
});

test("without a time zone the relay's own zone is used", () => {
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const at = "2015-07-01T07:49:30Z";
  assert.is(dt(at, undefined), dt(at, own));
  assert.is(localTime(new Date(at)).date, localTime(new Date(at), own).date);
});

test("UNIXTIME is whole seconds of the press", () => {
  assert.is(renderPlain("<UNIXTIME>", ctx({ pressedAt: new Date(1443685770999) })), "1443685770");
});

test("a press with an age renders the press time, not the arrival time", () => {
  const arrived = Date.parse("2015-10-01T07:50:00Z");
  const c = ctx({ pressedAt: pressTime(arrived, 90_000), ageMs: 90_000, timeZone: "UTC" });
  assert.is(renderPlain("<TIME> <UNIXTIME> <AGE>", c), "07:48:30 1443685710 90000");
  assert.is(pressTime(new Date(arrived), 0).getTime(), arrived);
  assert.is(pressTime(arrived, undefined).getTime(), arrived);
});

test("an unknown time zone fails the action only when a date tag is used", () => {
  const c = ctx({ timeZone: "Mars/Olympus_Mons" });
  throwsAction(() => renderPlain("<DATE>", c), "bad-request", 'time zone "Mars/Olympus_Mons" is not known');
  assert.is(renderPlain("<ID> <UNIXTIME>", c), "kitchen1 1443685770");
});

test("isValidTimeZone", () => {
  for (const z of ["Europe/Helsinki", "Asia/Kolkata", "UTC", "America/Argentina/Buenos_Aires", "europe/helsinki"]) {
    assert.ok(isValidTimeZone(z), z);
  }
  for (const z of ["", "Mars/Olympus_Mons", "Europe/", "+03:00", 3, null, undefined]) {
    assert.not.ok(isValidTimeZone(z), String(z));
  }
});

// --- Compilation and tag discovery -------------------------------------------------------------

test("compileTemplate splits text and tags, and reuses the compiled form", () => {
  const c = compileTemplate("a<ID>b<<DATE>c<FOO><COUNTER>");
  assert.equal(c.literals, ["a", "b<DATE>c<FOO>", ""]);
  assert.equal(c.tags, ["ID", "COUNTER"]);
  assert.is(compileTemplate("a<ID>b<<DATE>c<FOO><COUNTER>"), c);
  // A compiled template renders like its source.
  assert.is(renderUrl(c, ctx()), "akitchen1b<DATE>c<FOO>42");
});

test.run();
