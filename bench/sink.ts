// The benchmark's webhook receiver: answers 200 at once and notices a press acted on twice
// (the action's args carry the bttn id and its per-type counter, which is unique per press).
import { createServer } from "node:http";
import { createHash, randomBytes } from "node:crypto";

export interface BenchSink {
  url: string;
  duplicates(): number;
  close(): Promise<void>;
}

export interface SinkAuth {
  username: string;
  password: string;
  realm: string;
}

function md5(s: string): string {
  return createHash("md5").update(s).digest("hex");
}

/** A minimal RFC 7616 MD5 server check, enough to load the relay's Digest path for real. */
function digestOk(header: string | undefined, method: string, auth: SinkAuth, nonces: Set<string>): boolean {
  if (!header || !header.startsWith("Digest ")) return false;
  const p: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) p[m[1]] = m[2] ?? m[3];
  if (!nonces.has(p.nonce) || p.username !== auth.username) return false;
  const ha1 = md5(`${auth.username}:${auth.realm}:${auth.password}`);
  const ha2 = md5(`${method}:${p.uri}`);
  return p.response === md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`);
}

export async function startBenchSink(auth?: SinkAuth): Promise<BenchSink> {
  const seen = new Set<string>();
  let dups = 0;
  const nonces = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      if (auth && !digestOk(req.headers.authorization, req.method ?? "", auth, nonces)) {
        const nonce = randomBytes(16).toString("base64");
        nonces.add(nonce);
        res.statusCode = 401;
        res.setHeader("WWW-Authenticate", `Digest realm="${auth.realm}", qop="auth", algorithm=MD5, nonce="${nonce}", opaque="bench"`);
        return res.end();
      }
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString());
        const key = body.b + ":" + body.n;
        if (seen.has(key)) dups++;
        seen.add(key);
      } catch {
        /* not a JSON body */
      }
      res.end("ok");
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    duplicates: () => dups,
    close: () => new Promise<void>((r) => (server.close(() => r()), server.closeAllConnections())),
  };
}
