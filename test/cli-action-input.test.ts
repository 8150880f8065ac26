// `bttn-relay action set|update` and friends with bad input that reaches files, the store or the
// terminal: each case refused with a clear message (exit 2), nothing stored, nothing sent (bad
// flag values refused before anything opens: relay/test/cli-action.test.ts, in-process); a password never from the command line (refused, and not
// repeated), from a file, standard input or the terminal's prompt (a real pseudo-terminal, by
// script(1)), never echoed; each command's own --help. Real CLI processes, a real database.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, refused, runCli, storedAction, succeeded } from "./support/cli";
import { startSink, WebhookSink } from "./support/webhook-sink";
import { tempDir } from "./support/temp";

const PASSWORD = "pw-in-a-file-7f3a";
const ctx = {} as { dir: { path: string; remove(): void }; sink: WebhookSink; pwFile: string };

// Generous: each run is a Node process compiling TypeScript, slow on a busy machine.
const cli = (args: string[], input?: string) => runCli(args, { cwd: ctx.dir.path, timeoutMs: 60_000, input });

const stored = (id = "porch", type = "pressed") => storedAction(ctx.dir.path, id, type);
const ok = succeeded;

test.before(async () => {
  ctx.dir = tempDir("cli-action-input");
  ctx.sink = await startSink();
  ctx.pwFile = join(ctx.dir.path, "pw.txt");
  writeFileSync(ctx.pwFile, PASSWORD + "\n", { mode: 0o600 });
  ok(await cli(["bttn", "add", "porch", "--relay-host", "192.168.1.10"]), "bttn add");
});

test.after(async () => {
  await ctx.sink.close();
  ctx.dir.remove();
});

test("bad input is refused with a clear message and changes nothing; a password on the command line above all", async () => {
  ok(await cli(["action", "set", "porch", "pressed", "--url", ctx.sink.url("/keep"), "--header", "X-A=1"]), "set");
  const before = (await stored());
  const empty = join(ctx.dir.path, "empty.txt");
  writeFileSync(empty, "\n");
  const pem = join(ctx.dir.path, "not-a-cert.pem");
  writeFileSync(pem, "hello\n");
  const cases: Array<[string[], RegExp]> = [
    [["--url", "http://x/", "--auth", "basic", "--username", "ha", "--password", "argv-pw-1"], /^bttn-relay: action set does not take --password \(a password on the command line is visible to every user of this machine and stays in the shell's history: use --password-file FILE/],
    [["--url", "http://x/", "--auth", "basic", "--username", "ha", "--password-file", join(ctx.dir.path, "missing.txt")], /--password-file .*missing\.txt: cannot read it \(ENOENT\)/],
    [["--url", "http://x/", "--auth", "basic", "--username", "ha", "--password-file", empty], /--password-file .*empty\.txt: its first line is empty/],
    [["--url", "http://x/", "--auth", "basic", "--username", "ha"], /--auth needs a password: no terminal to ask on; give --password-file FILE \(- reads standard input\)/],
    [["--url", "http://x/", "--auth", "basic", "--password-file", ctx.pwFile], /--auth needs --username/],
    [["--url", "http://x/", "--timeout", "5"], /timeout: Too small: expected number to be >=100/],
    [["--url", "http://x/", "--ca", join(ctx.dir.path, "nope.pem")], /--ca .*nope\.pem/],
    [["--url", "http://x/", "--ca", pem], /holds no PEM certificate/],
    [["--url", "gopher://x/"], /url: must be an http:\/\/ or https:\/\/ URL/],
    [["--url", "http://x/", "--method", "FETCH"], /method: /],
    [["--method", "POST"], /^bttn-relay: action set: --url is required \(the whole action is replaced; action update changes some fields\)\n$/],
  ];
  // Refusals change nothing, so they run four at a time: each is a Node process compiling TypeScript.
  for (let i = 0; i < cases.length; i += 4) {
    const batch = cases.slice(i, i + 4);
    const results = await Promise.all(batch.map(([flags]) => cli(["action", "set", "porch", "pressed", ...flags])));
    results.forEach((r, j) => {
      refused(r, batch[j][1]);
      assert.not.ok(r.stderr.includes("argv-pw-1"), "the refused password is not echoed");
    });
  }
  refused(await cli(["action", "update", "porch", "pressed", "--remove-header", "X-B"]), /--remove-header X-B: the action has no such header \(it has X-A\)/);
  refused(await cli(["action", "update", "porch", "pressed", "--password-file", ctx.pwFile]), /--username and --password-file need --auth basic\|digest \(the action has no auth\)/);
  refused(await cli(["action", "set", "porch", "squeezed", "--url", "http://x/"]), /event type "squeezed": must be one of/);
  refused(await cli(["action", "show", "attic", "pressed"]), /no bttn "attic" \(bttn list shows them\)/);
  refused(await cli(["bttn", "show", "attic"]), /no bttn "attic"/);
  assert.equal((await stored()), before, "nothing changed");
  assert.is(ctx.sink.received.length, 0, "nothing was sent");
});

test("the password from standard input (--password-file -) and from the terminal's prompt, not echoed", async () => {
  ok(await cli(["action", "set", "porch", "pressed", "--url", ctx.sink.url("/in"), "--auth", "digest", "--username", "ha", "--password-file", "-"], "piped-pw-2\n"), "stdin");
  assert.equal((await stored())!.auth, { type: "digest", username: "ha", password: "piped-pw-2" });

  // A real terminal: script(1) gives the CLI a pseudo-terminal; the password is typed after the prompt.
  const child = spawn("script", ["-qec", `${process.execPath} ${CLI} action update porch pressed --auth basic --username ha2`, "/dev/null"], { cwd: ctx.dir.path, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  for (let i = 0; i < 2000 && !out.includes("Password for ha2 (basic): "); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(out.includes("Password for ha2 (basic): "), "prompted: " + out);
  child.stdin.write("typed-pw-3\r");
  const code = await new Promise<number | null>((res) => child.on("close", res));
  clearTimeout(timer);
  assert.is(code, 0, out);
  assert.not.ok(out.includes("typed-pw-3"), "the password is not echoed: " + JSON.stringify(out));
  assert.equal((await stored())!.auth, { type: "basic", username: "ha2", password: "typed-pw-3" });
});

test("a command's own --help, and the whole --help naming the new commands (each command's: relay/test/cli-commands.test.ts)", async () => {
  const set = ok(await cli(["action", "set", "--help"]), "action set --help");
  assert.match(set.stdout, /^Usage:\n  bttn-relay action set <id> <event> --url URL /);
  assert.match(set.stdout, /replacing the whole action: what is not given/);
  assert.match(set.stdout, /A password is never taken from the command line/);
  for (const f of ["--auth basic|digest", "--username NAME", "--password-file FILE", "--async", "--callback-timeout MS", "--ca FILE", "--insecure", "--timeout MS", "--follow-redirects", "--data DIR"]) assert.match(set.stdout, new RegExp("\\n  " + f.replace(/[|]/g, "\\|") + " +\\S"), f);
  assert.not.match(set.stdout, /--password PW/);
  const all = ok(await cli(["--help"]), "--help");
  for (const w of ["bttn show", "bttn device-file", "action update", "action show", "action test", "action remove"]) assert.ok(all.stdout.includes("bttn-relay " + w + " "), w);
});

test.run();
