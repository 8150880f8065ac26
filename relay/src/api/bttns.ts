// /bttns: list and read (a key sees its bttns, an admin all); create, replace, remove and give a new
// secret (admins). Bttns declared in the config file are the file's: the API only reads them.
import { DeviceFile, makeDeviceFile } from "@bttn/shared";
import { guessLanAddress } from "../lan-address";
import type { Bttn } from "../store/bttns";
import { newSecret } from "../store/secrets";
import { bttnFor, mayActFor } from "./auth";
import type { ApiDeps } from "./deps";
import { ApiError, conflict, notFound } from "./errors";
import { bttnInfoView, bttnSummaryView } from "./present";
import type { Routes } from "./route";
import { fillBttnBody, keepStoredActionSecrets } from "./write-only";
import { bttnBody, bttnCreateBody, bttnCreated, bttnInfo, bttnList, deviceFileOptions, secretBody, secretRotated } from "./schemas";
import type { z } from "zod";

/** The bttn an admin route changes: 404 when there is none, 409 when the config file owns it. */
export function writableBttn(d: ApiDeps, id: string): Bttn {
  const b = d.bttns.get(id);
  if (!b) throw notFound("no bttn " + JSON.stringify(id));
  if (b.origin === "file") throw conflict("bttn " + JSON.stringify(id) + " is declared in the config file: edit it there (the API only reads it)");
  return b;
}

function deviceFile(d: ApiDeps, id: string, secret: string, o: z.output<typeof deviceFileOptions> | undefined): DeviceFile {
  const made = makeDeviceFile(id, secret, { relayHost: o?.relayHost ?? d.mqtt?.host ?? guessLanAddress(), mqttPort: d.mqtt?.port || 1883, wifiSsid: o?.wifi?.ssid, wifiPassword: o?.wifi?.password });
  if (!made.ok) throw new ApiError(400, made.error, "deviceFile", "body");
  return made.value;
}

export function bttnRoutes(r: Routes, d: ApiDeps): void {
  r.add({ method: "get", path: "/bttns", tag: "bttns", summary: "The bttns this key acts for (an admin: all)", access: "key", status: 200, answer: bttnList }, ({ key }) => ({
    bttns: d.bttns
      .list()
      .filter((b) => mayActFor(key, b))
      .map(bttnSummaryView),
  }));

  r.add(
    { method: "get", path: "/bttns/{id}", tag: "bttns", summary: "A bttn's properties, event types and device settings", access: "key", status: 200, answer: bttnInfo, errors: [403, 404] },
    ({ key, param }) => bttnInfoView(bttnFor(d.bttns, key, param("id")), key.kind === "admin"),
  );

  r.add(
    {
      method: "post",
      path: "/bttns",
      tag: "bttns",
      summary: "Add a bttn",
      description: "Answers with a new secret and a device file for flash.sh; neither is shown again.",
      access: "admin",
      body: bttnCreateBody,
      status: 201,
      answer: bttnCreated,
      errors: [403, 409],
    },
    async ({ key, body }) => {
      const { id, deviceFile: fileOptions, actions, device, ...props } = body;
      if (d.bttns.get(id)) throw conflict("a bttn " + JSON.stringify(id) + " exists already");
      const secret = newSecret();
      const file = deviceFile(d, id, secret, fileOptions);
      const b = await d.bttns.create(id, "api", secret, { props, actions, device });
      d.log.info("bttn added through the API", { bttn: id, by: key.id });
      return { bttn: bttnInfoView(b, true), secret, deviceFile: file };
    },
  );

  r.add(
    {
      method: "put",
      path: "/bttns/{id}",
      tag: "bttns",
      summary: "Replace a bttn's definition (properties, actions, device settings)",
      access: "admin",
      description: 'Secrets are write-only: a value sent back as GET showed it ("[redacted]"), or an `auth` without a password, keeps the stored one.',
      body: bttnBody,
      fill: fillBttnBody,
      status: 200,
      answer: bttnInfo,
      errors: [403, 404, 409],
    },
    async ({ key, body, param }) => {
      const b = writableBttn(d, param("id"));
      const { actions: sent, device, ...props } = body;
      const actions = keepStoredActionSecrets(sent, b.actions);
      const next = (await d.bttns.update(b.id, { props, actions, device }))!;
      d.log.info("bttn replaced through the API", { bttn: b.id, by: key.id });
      return bttnInfoView(next, true);
    },
  );

  r.add(
    { method: "delete", path: "/bttns/{id}", tag: "bttns", summary: "Remove a bttn (its history is kept)", access: "admin", status: 204, errors: [403, 404, 409] },
    async ({ key, param }) => {
      const b = writableBttn(d, param("id"));
      await d.bttns.remove(b.id);
      await d.hooks.removeForBttn(b.id);
      d.log.info("bttn removed through the API", { bttn: b.id, by: key.id });
    },
  );

  r.add(
    {
      method: "post",
      path: "/bttns/{id}/secret",
      tag: "bttns",
      summary: "Give a bttn a new secret",
      description: "The old secret stops working at once (a connected device is disconnected). The new one is shown only in this answer.",
      access: "admin",
      body: secretBody,
      bodyOptional: true,
      status: 200,
      answer: secretRotated,
      errors: [403, 404, 409],
    },
    async ({ key, body, param }) => {
      const b = writableBttn(d, param("id"));
      const secret = newSecret();
      const file = deviceFile(d, b.id, secret, body.deviceFile);
      await d.bttns.update(b.id, { secret });
      d.log.info("bttn secret changed through the API", { bttn: b.id, by: key.id });
      return { id: b.id, secret, deviceFile: file };
    },
  );
}
