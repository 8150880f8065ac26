// Who may read GET /metrics: "admin" (an admin token as Bearer, the default), "open" (anyone who
// reaches the HTTP port) or "off" (no endpoint). Its own file: the config schema needs the words.
export const METRICS_ACCESS = ["admin", "open", "off"] as const;
export type MetricsAccess = (typeof METRICS_ACCESS)[number];
