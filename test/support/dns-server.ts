// A DNS server on loopback that answers every query with NXDOMAIN ("no such name"), as a real
// resolver answers for a name under .invalid (RFC 6761), and a lookup function that asks only it.
// The machine's resolver sends queries off the machine (resolv.conf names a non-local server), so
// tests that need a name that does not resolve use this instead: real DNS packets, real resolver
// error, nothing leaves loopback.
import { createSocket, Socket } from "node:dgram";
import { Resolver } from "node:dns";
import type { LookupFunction } from "node:net";

export interface DnsServer {
  port: number;
  /** Names asked so far. */
  queries: string[];
  /** A lookup (for undici's connect or net.connect) that resolves through this server only. */
  lookup: LookupFunction;
  close(): Promise<void>;
}

/** The question's name and where the question ends, or undefined for a malformed packet. */
function readQuestion(msg: Buffer): { name: string; end: number } | undefined {
  const labels: string[] = [];
  let i = 12;
  while (i < msg.length) {
    const len = msg[i];
    if (len === 0) return i + 5 <= msg.length ? { name: labels.join("."), end: i + 5 } : undefined;
    if (len > 63) return undefined; // compression pointers do not occur in a question we get
    labels.push(msg.subarray(i + 1, i + 1 + len).toString("latin1"));
    i += 1 + len;
  }
  return undefined;
}

function nxdomain(query: Buffer, questionEnd: number): Buffer {
  const out = Buffer.from(query.subarray(0, questionEnd));
  out[2] = 0x80 | (query[2] & 0x79); // QR=1, the query's opcode and RD
  out[3] = 0x80 | 3; // RA=1, RCODE=3 (NXDOMAIN)
  out.writeUInt16BE(1, 4); // one question, echoed
  out.writeUInt32BE(0, 6); // no answers, no authority
  out.writeUInt16BE(0, 10); // no additional records (the query's EDNS record is not echoed)
  return out;
}

export async function startDnsServer(): Promise<DnsServer> {
  const queries: string[] = [];
  const sock: Socket = createSocket("udp4");
  sock.on("message", (msg, rinfo) => {
    const q = msg.length >= 12 ? readQuestion(msg) : undefined;
    if (!q) return;
    queries.push(q.name);
    sock.send(nxdomain(msg, q.end), rinfo.port, rinfo.address);
  });
  await new Promise<void>((res, rej) => {
    sock.once("error", rej);
    sock.bind(0, "127.0.0.1", () => res());
  });
  const port = sock.address().port;
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers(["127.0.0.1:" + port]);

  const lookup: LookupFunction = (hostname, options, callback) => {
    const v6 = options.family === 6;
    const done = (err: NodeJS.ErrnoException | null, addresses: string[]) => {
      if (err) return callback(err, "", undefined);
      const family = v6 ? 6 : 4;
      if (options.all) callback(null, addresses.map((address) => ({ address, family })));
      else callback(null, addresses[0], family);
    };
    if (v6) resolver.resolve6(hostname, done);
    else resolver.resolve4(hostname, done);
  };

  return {
    port,
    queries,
    lookup,
    close: () =>
      new Promise<void>((res) => {
        resolver.cancel();
        sock.close(() => res());
      }),
  };
}
