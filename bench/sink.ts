// The benchmark's webhook receiver: answers 200 at once and notices a press acted on twice
// (the action's args carry the bttn id and its per-type counter, which is unique per press).
// With `auth` it demands RFC 7616 Digest (MD5, qop=auth) with a fresh nonce per challenge.
import { createHash, randomBytes } from "node:crypto";
import { startRawHttp, RawRequest } from "./raw-http";

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
  const { server, port } = await startRawHttp((req: RawRequest) => {
    if (auth && !digestOk(req.headers.authorization, req.method, auth, nonces)) {
      const nonce = randomBytes(16).toString("base64");
      nonces.add(nonce);
      return { status: 401, headers: { "www-authenticate": `Digest realm="${auth.realm}", qop="auth", algorithm=MD5, nonce="${nonce}", opaque="bench"` } };
    }
    try {
      const body = JSON.parse(req.body.toString());
      const key = body.b + ":" + body.n;
      if (seen.has(key)) dups++;
      seen.add(key);
    } catch {
      /* not a JSON body */
    }
    return { status: 200, body: "ok" };
  });
  return {
    url: `http://127.0.0.1:${port}/hook`,
    duplicates: () => dups,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
