// The web console's files as the relay serves them over real HTTP: index.html at `/` with its
// Content-Security-Policy and no-cache, the hashed JS and CSS cached for good, gzip only when the
// client takes it, 304 for a known ETag, HEAD without a body, the page under its size budget, and
// a relay running its built bundle reading the files `npm run build -w relay` wrote.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startRig, Rig } from "./support/relay-rig";
import { loadPage } from "../relay/src/console/page-files";
import { acceptsGzip } from "../relay/src/console/serve";
import { tempDir } from "./support/temp";

interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Raw HTTP (fetch would unzip by itself and hide what went over the wire). */
function getRaw(port: number, path: string, headers: Record<string, string> = {}, method = "GET"): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

const t = suite<{ rig: Rig }>("console page served");
t.before(async (ctx) => {
  ctx.rig = await startRig("embedded", () => ({ bttns: {} }));
});
t.after(async (ctx) => ctx.rig?.close());

const assetsOf = (html: string) => [...html.matchAll(/(?:href|src)="(\/ui\/[^"]+)"/g)].map((m) => m[1]);

t("/ is the page: HTML with a strict CSP, checked every time, and it names one JS and one CSS file", async ({ rig }) => {
  const r = await getRaw(rig.relay.httpPort, "/");
  assert.is(r.status, 200);
  assert.match(String(r.headers["content-type"]), /^text\/html/);
  const csp = String(r.headers["content-security-policy"]);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/, "no inline or foreign scripts");
  assert.match(csp, /connect-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.is(r.headers["cache-control"], "no-cache");
  assert.is(r.headers["x-content-type-options"], "nosniff");
  assert.is(r.headers["content-encoding"], undefined, "no gzip unless asked");
  const html = r.body.toString();
  const assets = assetsOf(html);
  assert.is(assets.length, 2, html);
  assert.ok(assets.some((a) => /\/ui\/app-[A-Z0-9]+\.js$/.test(a)));
  assert.ok(assets.some((a) => /\/ui\/app-[A-Z0-9]+\.css$/.test(a)));
  assert.not.match(html, /https?:\/\//, "nothing from another host");
});

t("the JS and CSS: hashed names cached for good, gzip when accepted, 304 for a known ETag, HEAD has no body; the page is ≤ 100 KB gzipped", async ({ rig }) => {
  const port = rig.relay.httpPort;
  const index = await getRaw(port, "/", { "accept-encoding": "gzip, deflate, br" });
  assert.is(index.headers["content-encoding"], "gzip");
  assert.is(index.headers.vary, "Accept-Encoding");
  let total = index.body.length;
  const html = gunzipSync(index.body).toString();
  for (const path of assetsOf(html)) {
    const plain = await getRaw(port, path);
    assert.is(plain.status, 200, path);
    assert.match(String(plain.headers["content-type"]), path.endsWith(".js") ? /^text\/javascript/ : /^text\/css/);
    assert.is(plain.headers["cache-control"], "public, max-age=31536000, immutable");
    const gz = await getRaw(port, path, { "accept-encoding": "gzip" });
    assert.is(gz.headers["content-encoding"], "gzip");
    assert.equal(gunzipSync(gz.body), plain.body, "the gzip form is the same file");
    assert.is(Number(gz.headers["content-length"]), gz.body.length);
    total += gz.body.length;
    const again = await getRaw(port, path, { "if-none-match": String(plain.headers.etag) });
    assert.is(again.status, 304);
    assert.is(again.body.length, 0);
    const head = await getRaw(port, path, {}, "HEAD");
    assert.is(head.status, 200);
    assert.is(head.body.length, 0);
  }
  console.log(`  console page, first load: ${(total / 1024).toFixed(1)} KB gzipped (HTML + JS + CSS)`);
  assert.ok(total <= 100 * 1024, "first page " + total + " bytes gzipped");
});

t("Accept-Encoding: gzip when listed or under *, not with q=0, not when absent", async ({ rig }) => {
  for (const [h, want] of [
    ["gzip", true],
    ["deflate, gzip;q=0.5, br", true],
    ["GZIP", true],
    ["gzip;q=0", false],
    ["br, gzip; q=0", false],
    ["*", true],
    ["*;q=0", false],
    ["identity", false],
    ["", false],
    [undefined, false],
  ] as const)
    assert.is(acceptsGzip(h), want, String(h));
  const refused = await getRaw(rig.relay.httpPort, "/", { "accept-encoding": "gzip;q=0, identity" });
  assert.is(refused.headers["content-encoding"], undefined);
  assert.match(refused.body.toString(), /^<!doctype html>/);
});

t("an unknown file under /ui/ is 404, and the API still answers JSON beside the page", async ({ rig }) => {
  assert.is((await getRaw(rig.relay.httpPort, "/ui/app-NOPE.js")).status, 404);
  const api = await getRaw(rig.relay.httpPort, "/api/v1/bttns");
  assert.is(api.status, 401);
  assert.match(String(api.headers["content-type"]), /json/);
});

t("a built relay reads the page from its dist folder (what npm start serves)", async () => {
  const dir = tempDir("console-built");
  try {
    mkdirSync(join(dir.path, "ui"));
    writeFileSync(join(dir.path, "index.html"), '<!doctype html><link rel="stylesheet" href="/ui/app-A.css"><script type="module" src="/ui/app-B.js"></script>');
    writeFileSync(join(dir.path, "ui", "app-A.css"), "body{}");
    writeFileSync(join(dir.path, "ui", "app-B.js"), "export{}");
    writeFileSync(join(dir.path, "ui", "notes.txt"), "not served");
    const files = await loadPage(dir.path);
    assert.equal([...files.keys()].sort(), ["/", "/ui/app-A.css", "/ui/app-B.js"]);
    assert.is(files.get("/ui/app-B.js")!.body.toString(), "export{}");
    assert.ok(files.get("/ui/app-A.css")!.immutable);
    assert.not.ok(files.get("/")!.immutable);
  } finally {
    rmSync(dir.path, { recursive: true, force: true });
  }
});

t.run();
