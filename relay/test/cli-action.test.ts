// `action set` and `action update` on the store: set replaces the whole action, update changes the
// fields given and takes away what --remove-header, --remove-arg and --reset say; bad input is
// refused with the field's path before anything is stored. (The flags themselves, the password
// file and the prompt: test/cli-actions.test.ts, with real processes.)
import { test } from "uvu";
import * as assert from "uvu/assert";
import { addBttn } from "../src/cli/bttn-commands";
import { removeAction, setAction, showAction, updateAction } from "../src/cli/action-commands";
import { ActionEdit, readActionEdit } from "../src/cli/action-edit";
import type { StoreAt } from "../src/cli/cli-store";
import { parseCommandLine } from "../src/cli/parse";
import { openSqliteStore } from "../src/store/sqlite/open";
import { tempDir } from "../../test/support/temp";

async function stored(at: StoreAt, id: string, type = "pressed") {
  const store = await openSqliteStore(at.dataDir);
  try {
    return store.bttns.get(id)!.actions[type as "pressed"]?.http;
  } finally {
    await store.close();
  }
}

const edit = (o: Partial<ActionEdit> & { fields?: Record<string, unknown> }): ActionEdit => ({ fields: {}, auth: {}, removeHeaders: [], removeArgs: [], reset: [], ...o });

/** Resolves with the error the promise rejects with, or fails. */
async function rejects(p: Promise<unknown>, re: RegExp): Promise<void> {
  const e = await p.then(() => undefined, (err: Error) => err);
  assert.ok(e, "refused: expected " + re);
  assert.match(e!.message, re);
}

function withBttn(f: (at: StoreAt) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = tempDir("cli-action");
    try {
      const at = { dataDir: dir.path };
      await addBttn(at, "porch", { relayHost: "127.0.0.1", mqttPort: 1883 });
      await f(at);
    } finally {
      dir.remove();
    }
  };
}

test(
  "--dynamic-origin is stored as dynamicOrigins; a URL with a path is refused, naming the field",
  withBttn(async (at) => {
    const fields = { url: "dynamic", headers: { "X-Token": "abc" } };
    await setAction(at, "porch", "pressed", edit({ fields: { ...fields, dynamicOrigins: ["https://ha.lan:8123", "http://127.0.0.1:9000"] } }));
    assert.equal((await stored(at, "porch"))?.dynamicOrigins, ["https://ha.lan:8123", "http://127.0.0.1:9000"]);
    await rejects(setAction(at, "porch", "pressed", edit({ fields: { ...fields, dynamicOrigins: ["https://ha.lan/hooks"] } })), /dynamicOrigins\.0: must be an origin only/);
    assert.equal((await stored(at, "porch"))?.dynamicOrigins, ["https://ha.lan:8123", "http://127.0.0.1:9000"], "the stored action is unchanged");
  }),
);

test(
  "set replaces the whole action (a header set before is gone); update keeps what it is not given",
  withBttn(async (at) => {
    const auth = { type: "basic", username: "ha", password: "pw-1" };
    await setAction(at, "porch", "pressed", edit({ fields: { url: "http://127.0.0.1:1/a", method: "POST", headers: { "X-Token": "abc", "X-Keep": "1" }, args: { who: "porch", n: "<COUNTER>" }, async: true }, auth }));
    await updateAction(at, "porch", "pressed", edit({ fields: { timeout: 2000, headers: { "x-token": "def" }, args: { extra: "1" } } }));
    let a = (await stored(at, "porch"))!;
    assert.equal([a.url, a.method, a.timeout, a.async], ["http://127.0.0.1:1/a", "POST", 2000, true]);
    assert.equal(a.headers, { "X-Keep": "1", "x-token": "def" }, "a header given again replaces the old one whatever its case");
    assert.equal(a.args, { who: "porch", n: "<COUNTER>", extra: "1" });
    assert.equal(a.auth, auth);
    // The same user: the password stays without being asked for; a new one from the file replaces it.
    await updateAction(at, "porch", "pressed", edit({ auth: { type: "basic", username: "ha" } }));
    assert.equal((await stored(at, "porch"))!.auth, auth);
    await updateAction(at, "porch", "pressed", edit({ auth: { password: "pw-2" } }));
    assert.equal((await stored(at, "porch"))!.auth, { ...auth, password: "pw-2" });
    await updateAction(at, "porch", "pressed", edit({ removeHeaders: ["X-KEEP"], removeArgs: ["who"], reset: ["auth", "async", "timeout"] }));
    a = (await stored(at, "porch"))!;
    assert.equal([a.headers, a.args, a.auth, a.async, a.timeout], [{ "x-token": "def" }, { n: "<COUNTER>", extra: "1" }, undefined, false, 10_000]);
    // set: everything not given is back to its default.
    await setAction(at, "porch", "pressed", edit({ fields: { url: "http://127.0.0.1:1/b" } }));
    a = (await stored(at, "porch"))!;
    assert.equal([a.url, a.method, a.headers, a.args, a.async], ["http://127.0.0.1:1/b", "GET", {}, undefined, false]);
  }),
);

test(
  "bad edits are refused, naming what is wrong, and change nothing",
  withBttn(async (at) => {
    await setAction(at, "porch", "pressed", edit({ fields: { url: "http://127.0.0.1:1/a", headers: { A: "1" }, args: "raw <ID>" } }));
    const before = (await stored(at, "porch"));
    const refused: Array<[() => Promise<void>, RegExp]> = [
      [() => updateAction(at, "porch", "pressed", edit({ removeHeaders: ["B"] })), /^--remove-header B: the action has no such header \(it has A\)$/],
      [() => updateAction(at, "porch", "pressed", edit({ removeArgs: ["x"] })), /--remove-arg x: the action has no such argument \(its args are a raw body: --reset args removes it\)/],
      [() => updateAction(at, "porch", "pressed", edit({ fields: { args: { a: "1" } } })), /--arg: the action's args are a raw body; --body replaces it, or --reset args first/],
      [() => updateAction(at, "porch", "pressed", edit({ fields: { timeout: 5 } })), /^timeout: /],
      [() => updateAction(at, "porch", "pressed", edit({ auth: { username: "x" } })), /--username and --password-file need --auth basic\|digest \(the action has no auth\)/],
      [() => updateAction(at, "porch", "pressed", edit({ auth: { type: "digest", password: "p" } })), /--auth needs --username/],
      [() => updateAction(at, "porch", "pressed-long", edit({ fields: { timeout: 2000 } })), /bttn porch has no action for pressed-long \(it has pressed\)/],
      [() => setAction(at, "porch", "squeezed", edit({ fields: { url: "http://x/" } })), /event type "squeezed": must be one of pressed, /],
      [() => setAction(at, "attic", "pressed", edit({ fields: { url: "http://x/" } })), /no bttn "attic"/],
      [() => removeAction(at, "porch", "heartbeat"), /has no action for heartbeat/],
    ];
    for (const [p, re] of refused) await rejects(p(), re);
    assert.equal((await stored(at, "porch")), before, "nothing changed");
    await removeAction(at, "porch", "pressed");
    assert.is((await stored(at, "porch")), undefined);
    await rejects(showAction(at, "porch", "pressed"), /has no action for pressed \(it has none\)/);
  }),
);

test(
  "action show masks the password, secret headers and parameters, and URL credentials",
  withBttn(async (at) => {
    await setAction(at, "porch", "pressed", edit({ fields: { url: "https://u:urlpw@example.lan/h?token=tok-1&x=1", headers: { Authorization: "Bearer hdr-1", "X-Who": "porch" }, args: { password: "arg-1", who: "porch" } }, auth: { type: "digest", username: "ha", password: "auth-1" } }));
    const shown = JSON.stringify(await showAction(at, "porch", "pressed"));
    for (const secret of ["urlpw", "tok-1", "hdr-1", "arg-1", "auth-1"]) assert.not.ok(shown.includes(secret), secret);
    const a = await showAction(at, "porch", "pressed");
    assert.equal([a.headers["X-Who"], (a.args as Record<string, string>).who, a.auth?.username, a.auth?.password], ["porch", "porch", "ha", "[redacted]"]);
  }),
);

test("bad flag values are refused before anything is opened, naming the flag", () => {
  const read = (flags: string[]) => {
    const line = parseCommandLine(["action", "update", "porch", "pressed", ...flags], {}, "/tmp");
    if (line.kind !== "command") throw new Error("not a command");
    return readActionEdit(line.invocation);
  };
  const cases: Array<[string[], RegExp]> = [
    [["--auth", "kerberos", "--username", "ha"], /^--auth: must be basic or digest, got "kerberos"$/],
    [["--timeout", "soon"], /^--timeout: must be a whole number of milliseconds, got "soon"$/],
    [["--callback-timeout", "1.5"], /^--callback-timeout: must be a whole number of milliseconds, got "1\.5"$/],
    [["--max-response-bytes", "1e6"], /^--max-response-bytes: must be a whole number of bytes, got "1e6"$/],
    [["--arg", "novalue"], /^--arg: expected name=value, got "novalue"$/],
    [["--header", "=x"], /^--header: expected name=value, got "=x"$/],
    [["--arg", "a=1", "--body", "raw"], /^--arg and --body do not go together/],
    [["--reset", "colour"], /^--reset colour: not a field that can be reset \(method, format, args, headers, timeout, max-response-bytes, follow-redirects, auth, ca, insecure, async, callback-timeout, idempotency-key, dynamic-origins\)$/],
    [["--reset", "url"], /^--reset url: not a field that can be reset/],
  ];
  for (const [flags, re] of cases) assert.throws(() => read(flags), re, flags.join(" "));
  assert.throws(() => parseCommandLine(["action", "set", "porch", "pressed", "--url", "http://x/", "--remove-header", "X-A"], {}, "/tmp"), /^action set does not take --remove-header \(--help lists the ones it takes\)$/);
  assert.throws(() => parseCommandLine(["action", "set", "porch", "pressed", "--frobnicate"], {}, "/tmp"), /Unknown option '--frobnicate'/);
  // And the good ones: every flag lands in its field.
  const e = read(["--url", "http://x/", "--method", "put", "--format", "json", "--arg", "a=1", "--header", "X-A=1", "--timeout", "2000", "--max-response-bytes", "10", "--follow-redirects", "--insecure", "--async", "--callback-timeout", "3000", "--no-idempotency-key", "--auth", "digest", "--username", "u", "--remove-header", "X-B", "--remove-arg", "b", "--reset", "ca"]);
  assert.equal(e.fields, { url: "http://x/", method: "PUT", format: "json", args: { a: "1" }, headers: { "X-A": "1" }, timeout: 2000, maxResponseBytes: 10, followRedirects: true, insecure: true, async: true, callbackTimeout: 3000, idempotencyKey: false });
  assert.equal([e.auth, e.removeHeaders, e.removeArgs, e.reset], [{ type: "digest", username: "u", password: undefined }, ["X-B"], ["b"], ["ca"]]);
});

test.run();
