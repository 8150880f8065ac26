// Bundles the relay into relay/dist/ for `npm start`: one ES module with its npm dependencies left
// external. Running the bundle with plain `node` spares the relay tsx's loader thread (a second V8
// isolate, ~30 MB of RSS on a Pi) and the start-up compile; the CLI commands keep using tsx.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildPage } from "../src/console/build";
import { writePage } from "../src/console/page-files";

const root = join(import.meta.dirname, "..");
const out = join(root, "dist");
// npm dependencies stay external (native better-sqlite3 among them); our own workspace packages,
// such as the protocol package whose entry is TypeScript, are bundled.
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };
const external = Object.keys(pkg.dependencies).filter((d) => !d.startsWith("@bttn/"));
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, "src/cli/main.ts")],
  outfile: join(out, "bttn-relay.mjs"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: external.flatMap((d) => [d, d + "/*"]),
  sourcemap: true,
  logLevel: "warning",
});
// The WAL checkpointer runs in a worker thread that loads its file by URL beside the code.
copyFileSync(join(root, "src/store/sqlite/checkpointer.js"), join(out, "checkpointer.js"));
// The web console's page, served by the bundle from dist/console-page/ (see src/console/page-files.ts).
writePage(await buildPage(), join(out, "console-page"));
