// /bins: make, list, read and delete the relay's request bins (admins). A bin's URL is the relay's
// public base URL + /bin/<name>, ready to paste into an action; reaching it needs no key.
import type { Bins } from "../bins/bins";
import type { ApiDeps } from "./deps";
import { conflict, notFound } from "./errors";
import type { Routes } from "./route";
import { binAnswer, binBody, binCreated, binList } from "./schemas";

const iso = (ms: number) => new Date(ms).toISOString();

export function binRoutes(r: Routes, d: ApiDeps): void {
  const bins: Bins | undefined = d.bins;
  if (!bins) return;
  const url = (name: string) => (d.publicUrl?.() ?? "").replace(/\/+$/, "") + "/bin/" + name;
  const b = bins.bounds;
  const bounds = `At most ${b.bins} bins, ${b.requests} requests each (the last ${b.maxAgeMs / 3600_000} h), ${b.bodyBytes / 1024} KiB of each body; kept in memory only.`;

  r.add(
    { method: "post", path: "/bins", tag: "bins", summary: "Make a request bin", description: bounds, access: "admin", body: binBody, bodyOptional: true, status: 201, answer: binCreated, errors: [409] },
    ({ key, body }) => {
      const made = bins.create(body.name);
      if (made === "exists") throw conflict("a bin " + JSON.stringify(body.name) + " exists already");
      if (made === "full") throw conflict("there are " + b.bins + " bins already: delete one first");
      d.log.info("bin made", { bin: made.name, by: key.id });
      return { name: made.name, url: url(made.name), createdAt: iso(made.createdAt) };
    },
  );

  r.add({ method: "get", path: "/bins", tag: "bins", summary: "The request bins", description: bounds, access: "admin", status: 200, answer: binList }, () => ({
    bins: bins.list().map((x) => ({ name: x.name, url: url(x.name), createdAt: iso(x.createdAt), count: x.count })),
  }));

  r.add({ method: "get", path: "/bins/{name}", tag: "bins", summary: "A bin's requests, newest first (masked)", access: "admin", status: 200, answer: binAnswer, errors: [404] }, ({ param }) => {
    const name = param("name");
    const requests = bins.requests(name);
    if (!requests) throw notFound("no bin " + JSON.stringify(name));
    return { name, url: url(name), requests: requests.map((q) => ({ ...q, at: iso(q.at) })) };
  });

  r.add({ method: "delete", path: "/bins/{name}", tag: "bins", summary: "Delete a bin and its requests", access: "admin", status: 204, errors: [404] }, ({ key, param }) => {
    if (!bins.remove(param("name"))) throw notFound("no bin " + JSON.stringify(param("name")));
    d.log.info("bin deleted", { bin: param("name"), by: key.id });
  });
}
