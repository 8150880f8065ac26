// Builds the web console's page (relay/ui) into memory: one JS file and one CSS file, named by
// their content hash so a browser may keep them for good, and the index.html that loads them.
// `npm run build -w relay` writes these files beside the relay's bundle; a relay running from source
// (tsx: dev and the tests) builds them at the first request for the page. Nothing built is committed.
import { createHash } from "node:crypto";
import { basename, join } from "node:path";

export interface PageFile {
  /** The URL path it is served at. */
  path: string;
  type: string;
  body: Buffer;
  /** Named by its content: cacheable for good. */
  immutable: boolean;
}

/** Where the page's source lives, from this file (relay/src/console/) when running from source. */
export const UI_SOURCE = join(import.meta.dirname, "..", "..", "ui");

/** What a browser must have: ES2020 (phones and browsers of the last five years or so). */
const TARGETS = ["es2020", "chrome90", "firefox91", "safari15"];

const html = (title: string, css: string, js: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${css}">
<script type="module" src="${js}"></script>
</head>
<body>
<noscript>The bttn console needs JavaScript. The REST API under /api/v1 works without it.</noscript>
<div id="app"></div>
</body>
</html>
`;

export async function buildPage(uiDir = UI_SOURCE): Promise<PageFile[]> {
  // Loaded only when building: a relay running its built bundle never loads esbuild.
  const { build } = await import("esbuild");
  const out = await build({
    entryPoints: [join(uiDir, "main.ts")],
    tsconfig: join(uiDir, "tsconfig.json"),
    bundle: true,
    write: false,
    minify: true,
    format: "esm",
    target: TARGETS,
    outdir: "/ui",
    entryNames: "app-[hash]",
    jsx: "automatic",
    jsxImportSource: "preact",
    legalComments: "none",
    logLevel: "silent",
  });
  const files: PageFile[] = out.outputFiles.map((f) => {
    const name = basename(f.path);
    return { path: "/ui/" + name, type: name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8", body: Buffer.from(f.contents), immutable: true };
  });
  const js = files.find((f) => f.path.endsWith(".js"));
  const css = files.find((f) => f.path.endsWith(".css"));
  if (!js || !css) throw new Error("the console build made no " + (js ? "CSS" : "JS") + " file");
  files.push({ path: "/", type: "text/html; charset=utf-8", body: Buffer.from(html("bttn console", css.path, js.path)), immutable: false });
  return files;
}

/** A short content hash, for ETags. */
export function contentTag(body: Buffer): string {
  return '"' + createHash("sha256").update(body).digest("base64url").slice(0, 16) + '"';
}
