// The web console on the relay's HTTP port: the page at `/` and its two files under /ui/. The page
// is a plain client of /api/v1 (it changes nothing any other way), so it needs no route of its own
// beyond its files. Headers: a Content-Security-Policy that allows only the relay's own scripts,
// styles and API (no inline code, no other origin, no framing); the hashed files are cached for
// good, index.html is checked every time; gzip when the browser takes it.
import type { Context, Hono } from "hono";
import type { Logger } from "../log";
import { loadPage, ServedFile } from "./page-files";

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Whether the client takes gzip: listed in Accept-Encoding (or `*`), and not with q=0. */
export function acceptsGzip(header: string | undefined): boolean {
  let star = false;
  for (const part of (header ?? "").split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    const taken = !q || Number(q[1]) > 0;
    if (name.trim() === "gzip") return taken;
    if (name.trim() === "*") star = taken;
  }
  return star;
}

function answer(c: Context, f: ServedFile): Response {
  const headers: Record<string, string> = {
    "Content-Type": f.type,
    "Cache-Control": f.immutable ? "public, max-age=31536000, immutable" : "no-cache",
    ETag: f.etag,
    Vary: "Accept-Encoding",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
  };
  if (f.path === "/") {
    headers["Content-Security-Policy"] = CONSOLE_CSP;
    headers["X-Frame-Options"] = "DENY";
  }
  if (c.req.header("if-none-match") === f.etag) return new Response(null, { status: 304, headers });
  const gz = acceptsGzip(c.req.header("accept-encoding"));
  if (gz) headers["Content-Encoding"] = "gzip";
  const body = gz ? f.gz : f.body;
  headers["Content-Length"] = String(body.length);
  return new Response(c.req.method === "HEAD" ? null : new Uint8Array(body), { status: 200, headers });
}

export function mountConsole(app: Hono, log: Logger): void {
  let page: Promise<Map<string, ServedFile>> | undefined;
  const files = () => {
    // A failed build is not kept: the next request tries again (a relay from source, mid-edit).
    page ??= loadPage().catch((err: Error) => {
      page = undefined;
      throw err;
    });
    return page;
  };
  const serve = async (c: Context, path: string) => {
    let all: Map<string, ServedFile>;
    try {
      all = await files();
    } catch (err) {
      log.error("the web console's page could not be built or read", { error: err as Error });
      return c.text("the web console is not available: the relay's log says why", 500);
    }
    const f = all.get(path);
    return f ? answer(c, f) : c.text("not found", 404);
  };
  app.get("/", (c) => serve(c, "/"));
  app.get("/ui/:file", (c) => serve(c, "/ui/" + c.req.param("file")));
}
