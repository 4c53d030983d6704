/**
 * @module shard-protocol
 * RPC shapes between the primary object of a sharded room (docs/protocol.md §8 `shards` > 1) and its
 * shards. The primary owns seq, epoch, history, snapshots, publish ids and the member registry;
 * each shard holds a share of the sockets and forwards what they publish.
 */
import type { Member, StoredMessage, UserView } from "../shared/protocol";
import { messageStream, readMessageStream } from "./message-stream";
import type { Placement } from "./room-placement";
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
  /** The welcome's presence part, decided by the primary for the whole room (presence-mode.ts). */
  members: Member[];
  memberCount: number;
  users?: UserView[];
  presence?: "counts";
  userCount?: number;
}

/** An AttachResult as it crosses the RPC: replay then snapshots in one stream (message-stream.ts). */
export interface AttachResultOnWire extends Omit<AttachResult, "replay" | "snapshots"> {
  /** The first `replayCount` messages of `messages` are the replay, the rest are snapshots. */
  replayCount: number;
  messages: ReadableStream<Uint8Array>;
}

export function attachResultToWire(result: AttachResult): AttachResultOnWire {
  const { replay, snapshots, ...rest } = result;
  return { ...rest, replayCount: replay.length, messages: messageStream([...replay, ...snapshots]) };
}

export async function attachResultFromWire(wire: AttachResultOnWire): Promise<AttachResult> {
  const { replayCount, messages, ...rest } = wire;
  const all = await readMessageStream(messages);
  return { ...rest, replay: all.slice(0, replayCount), snapshots: all.slice(replayCount) };
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
  /** The shard object's own placement (room-placement.ts). */
  placement: Placement;
  counters: Counters;
  recentCloses: RecentClose[];
}
