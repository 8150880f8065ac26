// What a bttn is: the one source of truth for ids, secrets, properties and actions. The config
// file, the CLI and the REST API all write it through the store; the broker and the engine read
// the copy in memory (bttn-cache.ts).
import type { SecretHash } from "./secrets";
import type { Actions, BttnProps, DeviceSettings } from "../config/schema";

export type BttnOrigin = "file" | "cli" | "api";

export interface Bttn {
  id: string;
  origin: BttnOrigin;
  secret: SecretHash;
  props: BttnProps;
  actions: Actions;
  device: DeviceSettings;
  createdAt: number;
  updatedAt: number;
}

export interface BttnInput {
  props?: BttnProps;
  actions?: Actions;
  device?: DeviceSettings;
}

export interface BttnChange {
  id: string;
  what: "added" | "secret" | "definition" | "removed";
}

export interface FileSync {
  added: string[];
  updated: string[];
  removed: string[];
}
