// The page's files as the relay serves them: read from relay/dist/console-page/ when the relay runs
// its built bundle (`npm start` built them), else built from relay/ui at the first request (a relay
// running from source: dev and tests). Each file is kept in memory with its gzip form and its ETag.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildPage, contentTag, PageFile } from "./build";

export interface ServedFile extends PageFile {
  gz: Buffer;
  etag: string;
}

/** Beside the built bundle (relay/dist/); from source this folder does not exist. */
export const BUILT_DIR = join(import.meta.dirname, "console-page");

const TYPES: Record<string, string> = { ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };

/** Writes the built page into `dir` (index.html and ui/), for the relay's bundle; older builds' files go. */
export function writePage(files: PageFile[], dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "ui"), { recursive: true });
  for (const f of files) writeFileSync(join(dir, f.path === "/" ? "index.html" : f.path), f.body);
}

function readBuilt(dir: string): PageFile[] {
  const files: PageFile[] = [{ path: "/", type: "text/html; charset=utf-8", body: readFileSync(join(dir, "index.html")), immutable: false }];
  for (const name of readdirSync(join(dir, "ui"))) {
    const type = TYPES[name.slice(name.lastIndexOf("."))];
    if (type) files.push({ path: "/ui/" + name, type, body: readFileSync(join(dir, "ui", name)), immutable: true });
  }
  return files;
}

export async function loadPage(builtDir = BUILT_DIR): Promise<Map<string, ServedFile>> {
  const files = existsSync(join(builtDir, "index.html")) ? readBuilt(builtDir) : await buildPage();
  return new Map(files.map((f) => [f.path, { ...f, gz: gzipSync(f.body, { level: 9 }), etag: contentTag(f.body) }]));
}
