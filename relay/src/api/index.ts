// The REST API under /api/v1: one file per resource, each adding its routes through route.ts so the
// OpenAPI description is made from the same table. JSON in and out; bodies over 64 KiB are refused
// before they are read; an unknown path is a JSON 404 like every other refusal.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { actionRoutes } from "./actions";
import { activityRoutes } from "./activity";
import { bttnRoutes } from "./bttns";
import type { ApiDeps } from "./deps";
import { ApiError, errorAnswer, onApiError } from "./errors";
import { hookRoutes } from "./hooks";
import { inspectorRoutes } from "./inspector";
import { keyRoutes } from "./keys";
import { pressRoutes } from "./press";
import { binRoutes } from "./bins";
import { liveRoutes } from "./live";
import { previewRoutes } from "./preview";
import { API_BASE, openApiRoute } from "./openapi";
import { MAX_BODY, Routes } from "./route";
import { sessionRoutes } from "./session";
import { Sessions } from "./sessions";
import { LoginThrottle, DEFAULT_LOGIN_THROTTLE } from "../bus/login-throttle";

export type { ApiDeps } from "./deps";
export { API_BASE } from "./openapi";

export function mountApi(app: Hono, deps: ApiDeps): void {
  const api = new Hono();
  api.onError(onApiError(deps.log));
  api.use(bodyLimit({ maxSize: MAX_BODY, onError: (c) => errorAnswer(c, new ApiError(413, "body: larger than " + MAX_BODY / 1024 + " KiB", "", "body")) }));
  const sessions = deps.sessions ?? new Sessions();
  const routes = new Routes(api, deps.keys, deps.log, deps.clientAddress, sessions);
  sessionRoutes(routes, deps, sessions, new LoginThrottle(deps.signInThrottle ?? DEFAULT_LOGIN_THROTTLE));
  hookRoutes(routes, deps);
  bttnRoutes(routes, deps);
  activityRoutes(routes, deps);
  actionRoutes(routes, deps);
  keyRoutes(routes, deps);
  inspectorRoutes(routes, deps);
  pressRoutes(routes, deps);
  binRoutes(routes, deps);
  liveRoutes(routes, deps);
  previewRoutes(routes, deps);
  openApiRoute(routes);
  api.all("*", (c) => errorAnswer(c, new ApiError(404, "no such API path: " + c.req.method + " " + c.req.path)));
  app.route(API_BASE, api);
}
