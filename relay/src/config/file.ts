// Reading the config file: JSON, or YAML by extension. A bad file stops start-up with one message
// naming the file, the bad field's path and what is wrong.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { ConfigFile, configFileSchema, formatIssues } from "./schema";

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export function parseConfig(text: string, source: string, yaml: boolean): ConfigFile {
  let raw: unknown;
  try {
    raw = yaml ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new ConfigError(source + ": not valid " + (yaml ? "YAML" : "JSON") + ": " + (e as Error).message);
  }
  if (raw === null || raw === undefined) raw = {};
  const r = configFileSchema.safeParse(raw);
  if (!r.success) throw new ConfigError(source + ": " + formatIssues(r.error));
  return r.data;
}

export function loadConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError(path + ": cannot read: " + (e as NodeJS.ErrnoException).code);
  }
  return parseConfig(text, path, /\.ya?ml$/i.test(path));
}
