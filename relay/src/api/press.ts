// POST /bttns/{id}/press: the console's "Press" button. The press goes the way of a device's
// (pipeline.pressVirtually: recorded, counted, rate limited, fired, concluded, marked virtual in the
// feed) and the answer waits for its outcome, or says `pending` after a while (an async action whose
// callback has not come). The inspector's runs of the press are named so the page can show them.
import type { ActionEventType } from "@bttn/shared";
import type { Inspector } from "../inspector/inspector";
import type { PressConcluded, RelayNews } from "../news";
import type { Pipeline } from "../press/pipeline";
import { VIRTUAL_BOOT } from "../press/conclude";
import type { Bttn } from "../store/bttns";
import type { ApiDeps } from "./deps";
import { ApiError, conflict, notFound } from "./errors";
import type { Routes } from "./route";
import { pressAnswer, pressBody } from "./schemas";
import type { z } from "zod";

/** How long the answer waits for the press's outcome before it says `pending`. */
export const PRESS_ANSWER_WAIT_MS = 15_000;

type Answer = z.input<typeof pressAnswer>;

/** Presses `bttn` and waits up to `waitMs` for the outcome. */
async function pressAndWait(pipeline: Pipeline, news: RelayNews, inspector: Inspector | undefined, bttn: Bttn, type: ActionEventType, waitMs: number): Promise<Answer> {
  let eventId: number | undefined;
  // Listening starts before the press: a press without a webhook to wait for concludes before its
  // event id is known here.
  const early = new Map<number, PressConcluded>();
  let settle!: (c: PressConcluded | undefined) => void;
  const concluded = new Promise<PressConcluded | undefined>((res) => (settle = res));
  const runs = new Set<number>();
  const runEvents = new Map<number, number>(); // run id -> event id, until the event id is known
  const stops = [
    news.on("concluded", (c) => {
      if (c.bttn !== bttn.id || c.boot !== VIRTUAL_BOOT) return;
      if (eventId === undefined) early.set(c.eventId, c);
      else if (c.eventId === eventId) settle(c);
    }),
    inspector?.watch((run) => {
      if (run.bttn === bttn.id && run.virtual) runEvents.set(run.id, run.eventId);
    }) ?? (() => {}),
  ];
  let timer: NodeJS.Timeout | undefined;
  try {
    eventId = await pipeline.pressVirtually(bttn, type).recorded;
    if (eventId === undefined) throw new ApiError(503, "the press could not be recorded (the database refused it): the relay's log says more");
    const already = early.get(eventId);
    if (already) settle(already);
    timer = setTimeout(() => settle(undefined), waitMs);
    timer.unref();
    const c = await concluded;
    for (const [run, ev] of runEvents) if (ev === eventId) runs.add(run);
    const state = c ? c.outcome : "pending";
    return { eventId, type, virtual: true, state, reason: c?.reason, status: c?.status, runs: [...runs].sort((a, b) => a - b) };
  } finally {
    clearTimeout(timer);
    for (const s of stops) s();
  }
}

export function pressRoutes(r: Routes, d: ApiDeps): void {
  const { pipeline, news } = d;
  if (!pipeline || !news) return;
  r.add(
    {
      method: "post",
      path: "/bttns/{id}/press",
      tag: "bttns",
      summary: "Press a bttn without its device (a virtual press)",
      description:
        "The press goes the way of a device's press (recorded, counted, rate limited, the action fired) and is marked virtual in the feed and the inspector. " +
        "Answers when it concludes, or after " + PRESS_ANSWER_WAIT_MS / 1000 + " s with state `pending` (the outcome then comes on GET /live). No device is told.",
      access: "admin",
      body: pressBody,
      status: 200,
      answer: pressAnswer,
      errors: [404, 409, 503],
    },
    async ({ key, body, param }) => {
      const b = d.bttns.get(param("id"));
      if (!b) throw notFound("no bttn " + JSON.stringify(param("id")));
      if (!b.actions[body.type]) throw conflict("bttn " + JSON.stringify(b.id) + " has no action for " + body.type + ": set one first");
      d.log.info("virtual press", { bttn: b.id, type: body.type, by: key.id });
      return pressAndWait(pipeline, news, d.inspector, b, body.type, d.pressAnswerWaitMs ?? PRESS_ANSWER_WAIT_MS);
    },
  );
}
