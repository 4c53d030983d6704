/**
 * @module room-policies
 * Per-room-pattern policies (docs/protocol.md §8) from ROOM_POLICIES, a JSON list in `[vars]`; the first
 * entry whose `match` fits the room wins, and unset fields take the global defaults. Parsed and
 * validated once at start: an error names the entry and field, e.g. `ROOM_POLICIES[0].batchMs`.
 */
import { roomMatches } from "./shared/capabilities";
import { MAX_MEMBERS_IN_WELCOME, PLATFORM_LIMITS } from "./shared/limits";

/** Most Durable Objects one logical room may span. */
export const MAX_SHARDS = 64;
/** Longest batch interval, in milliseconds. */
export const MAX_BATCH_MS = 10_000;

export type BinaryPolicy = "allow" | "deny";

/** Where Cloudflare should start a room's objects (a hint, not a guarantee): Durable Objects location hints. */
export const LOCATION_HINTS = ["wnam", "enam", "sam", "weur", "eeur", "apac", "oc", "afr", "me"] as const;
export type LocationHint = (typeof LOCATION_HINTS)[number];
/** Where a room's objects must run and store data (a guarantee): Durable Objects jurisdictions. */
export const JURISDICTIONS = ["eu", "fedramp"] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

export interface RoomPolicy {
  /** Room-name pattern; `*` suffix wildcard. */
  match: string;
  /** false: only the HTTP API publishes; a client publish gets error `forbidden`. Default true. */
  clientPublish: boolean;
  /** > 0: v1 connections get `batch` frames at most every batchMs. Default 0 (off). */
  batchMs: number;
  /** With batching, keep only the newest message per topic within a batch. Default false. */
  conflate: boolean;
  /** Durable Objects serving the room. Default 1. */
  shards: number;
  /** Connections per room (over all shards); default MAX_CONNECTIONS_PER_ROOM. */
  maxConnections?: number;
  /** History kept for this room; default HISTORY_MAX_MESSAGES. */
  historyMaxMessages?: number;
  /** `deny`: a binary frame closes the connection with 1003. Default allow. */
  binary: BinaryPolicy;
  /** Connections up to which presence lists members; above it, counts (presence-mode.ts). Default DEFAULT_PRESENCE_LIST_MAX_MEMBERS. */
  presenceListMaxMembers?: number;
  /** Where the room's objects (and its shards') are started; default: near the first caller (room-placement.ts). */
  locationHint?: LocationHint;
  /** Where the room's objects (and its shards') run and keep their data; default: anywhere. */
  jurisdiction?: Jurisdiction;
}

export class PolicyError extends Error {}

type Raw = Record<string, unknown>;

function field(entry: Raw, index: number, name: string): string {
  return `ROOM_POLICIES[${index}].${name}`;
}

function readBoolean(entry: Raw, index: number, name: string, fallback: boolean): boolean {
  const value = entry[name];
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new PolicyError(`${field(entry, index, name)} must be true or false`);
  return value;
}

function readChoice<T extends string>(entry: Raw, index: number, name: string, choices: readonly T[]): T | undefined {
  const value = entry[name];
  if (value === undefined) return undefined;
  if (!choices.includes(value as T)) throw new PolicyError(`${field(entry, index, name)} must be one of ${choices.map((choice) => `"${choice}"`).join(", ")}`);
  return value as T;
}

function readInteger(entry: Raw, index: number, name: string, min: number, max: number): number | undefined {
  const value = entry[name];
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw new PolicyError(`${field(entry, index, name)} must be a whole number from ${min} to ${max}`);
  }
  return value as number;
}

const KNOWN_FIELDS = new Set(["match", "clientPublish", "batchMs", "conflate", "shards", "maxConnections", "historyMaxMessages", "binary", "presenceListMaxMembers", "locationHint", "jurisdiction"]);

function parseEntry(entry: unknown, index: number): RoomPolicy {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw new PolicyError(`ROOM_POLICIES[${index}] must be an object`);
  const raw = entry as Raw;
  const unknown = Object.keys(raw).find((key) => !KNOWN_FIELDS.has(key));
  if (unknown !== undefined) throw new PolicyError(`${field(raw, index, unknown)} is not a policy field`);
  if (typeof raw.match !== "string" || raw.match.length === 0) throw new PolicyError(`${field(raw, index, "match")} must be a room-name pattern such as "quotes-*"`);
  const binary = raw.binary ?? "allow";
  if (binary !== "allow" && binary !== "deny") throw new PolicyError(`${field(raw, index, "binary")} must be "allow" or "deny"`);
  return {
    match: raw.match,
    clientPublish: readBoolean(raw, index, "clientPublish", true),
    batchMs: readInteger(raw, index, "batchMs", 0, MAX_BATCH_MS) ?? 0,
    conflate: readBoolean(raw, index, "conflate", false),
    shards: readInteger(raw, index, "shards", 1, MAX_SHARDS) ?? 1,
    maxConnections: readInteger(raw, index, "maxConnections", 1, PLATFORM_LIMITS.maxSocketsPerObject * MAX_SHARDS),
    historyMaxMessages: readInteger(raw, index, "historyMaxMessages", 0, 1_000_000),
    binary,
    presenceListMaxMembers: readInteger(raw, index, "presenceListMaxMembers", 0, MAX_MEMBERS_IN_WELCOME),
    locationHint: readChoice(raw, index, "locationHint", LOCATION_HINTS),
    jurisdiction: readChoice(raw, index, "jurisdiction", JURISDICTIONS),
  };
}

/** Parses ROOM_POLICIES (a JSON string or an already-parsed list). */
export function parseRoomPolicies(value: unknown): RoomPolicy[] {
  if (value === undefined || value === "") return [];
  let list: unknown = value;
  if (typeof value === "string") {
    try {
      list = JSON.parse(value);
    } catch {
      throw new PolicyError("ROOM_POLICIES must be a JSON list of policies");
    }
  }
  if (!Array.isArray(list)) throw new PolicyError("ROOM_POLICIES must be a JSON list of policies");
  return list.map(parseEntry);
}

export const DEFAULT_POLICY: Readonly<RoomPolicy> = Object.freeze({ match: "*", clientPublish: true, batchMs: 0, conflate: false, shards: 1, binary: "allow" });

export function policyFor(policies: readonly RoomPolicy[], room: string): RoomPolicy {
  return policies.find((policy) => roomMatches(policy.match, room)) ?? DEFAULT_POLICY;
}
