/**
 * @module shard-protocol
 * RPC shapes between the primary object of a sharded room (SPEC §8 `shards` > 1) and its
 * shards. The primary owns seq, epoch, history, snapshots, publish ids and the member registry;
 * each shard holds a share of the sockets and forwards what they publish.
 */
import type { StoredMessage } from "../shared/protocol";
import type { Member, UserView } from "./presence";
import type { Counters, RecentClose } from "./room-stats";

/** Separates a logical room name from a shard number in Durable Object names (never in room names). */
export const SHARD_NAME_SEPARATOR = "#";

export function shardObjectName(room: string, shard: number): string {
  return `${room}${SHARD_NAME_SEPARATOR}${shard}`;
}

export interface AttachRequest {
  room: string;
  shard: number;
  member: Member;
  /** `since` and `epoch` from the connection URL when resuming. */
  since: string | null;
  epoch: string | null;
  topics: string[];
  /** Test-only (FAULT_INJECTION=on, open mode): the primary fails this attach. */
  fault?: "primary";
}

export interface AttachResult {
  epoch: string;
  /** Messages up to this seq are in `replay` or already history: the shard sends only later ones. */
  seq: number;
  recovered?: boolean;
  replay: StoredMessage[];
  snapshots: StoredMessage[];
  members: Member[];
  memberCount: number;
  users: UserView[];
}

export interface SequenceItem {
  from: string;
  topic?: string;
  dataJson: string;
  /** Idempotency key of a v1 publish with an id. */
  key?: string;
}

/** A binary frame a shard's connection sent: relayed to every shard, never sequenced or stored. */
export interface BinaryFrame {
  /** The sender's connection id: it gets the frame back only with echo. */
  from: string;
  data: ArrayBuffer;
}

/** What travels from the primary to a shard, in order. */
export type ShardEvent = { message: StoredMessage } | { presence: string } | { binary: BinaryFrame };

/**
 * Bytes one event adds to an RPC, bounded from above: structured clone writes a string in at
 * most 2 bytes per UTF-16 unit. Callers cap a call's total so it stays clear of the 32 MiB
 * JS RPC limit.
 */
export function shardEventBytes(event: ShardEvent): number {
  if ("message" in event) return 2 * (event.message.dataJson.length + (event.message.topic?.length ?? 0)) + 64;
  if ("presence" in event) return 2 * event.presence.length + 16;
  return event.binary.data.byteLength + 64;
}

export interface ShardStats {
  connections: number;
  counters: Counters;
  recentCloses: RecentClose[];
}
