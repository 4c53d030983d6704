/**
 * @module api-types
 * What the gateway's HTTP API answers (docs/protocol.md §2), as the server SDK returns it. Message
 * and member shapes come from the shared protocol types. `RoomInfo` mirrors the room's own type
 * (src/room/room-role.ts, room-stats.ts), which cannot be imported here: those modules use
 * Workers-only types. test/gateway/server-sdk/info-type.test.ts fails to compile if they drift.
 */
import type { LocationHint } from "../room-policies";
import type { Member, MessageFields } from "../shared/protocol";

export type { Member } from "../shared/protocol";

/** A stored message as `GET /rooms/:room/messages` lists it. */
export type HistoryMessage = Omit<MessageFields, "snapshot">;

/** One page of a room's history, oldest first. */
export interface HistoryPage {
  /** The room's storage generation: a new epoch means the room was wiped and seq started over. */
  epoch: string;
  /** The room's latest seq. */
  seq: number;
  messages: HistoryMessage[];
}

/** A room's traffic since its storage was created. */
export interface Counters {
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
  connectionsOpened: number;
  closesByCode: Record<string, number>;
}

export interface RecentClose {
  connectionId?: string;
  code: number;
  reason: string;
  /** ISO 8601. */
  at: string;
}

/** `GET /rooms/:room/info`. */
export interface RoomInfo {
  room: string;
  epoch: string;
  seq: number;
  connections: number;
  users: number;
  members: Member[];
  counters: Counters;
  recentCloses: RecentClose[];
  /** Sharded rooms only: open connections per shard. */
  shards?: number[];
  /** Where the room's object runs: its jurisdiction and the location hint it was placed with. */
  placement: RoomPlacement;
  /** Sharded rooms only: each shard object's placement (null: the shard did not answer). */
  shardPlacements?: Array<RoomPlacement | null>;
}

/** A room object's placement (`ROOM_POLICIES` `jurisdiction` / `locationHint`). */
export interface RoomPlacement {
  jurisdiction: string | null;
  locationHint: LocationHint | null;
}

/** One occupied room of `GET /rooms` (from the live-room directory). */
export interface RoomSummary {
  room: string;
  connections: number;
  users: number;
  /** When the room became occupied, ms since the epoch. */
  since: number;
  /** When its counts last changed, ms since the epoch. */
  updated: number;
}

export interface RoomList {
  rooms: RoomSummary[];
  /** Pass to the next `rooms()` call; null on the last page. */
  cursor: string | null;
}

export interface DeletedRoom {
  deleted: string;
  /** The room's new epoch. */
  epoch: string;
}

export interface KickedConnection {
  kicked: string;
}

export interface RoomDrain {
  room: string;
  /** Connections that will be closed with 1012. */
  connections: number;
  overMs: number;
}

/** `POST /admin/drain`: each occupied room asked to drain, in name order. */
export interface GatewayDrain {
  rooms: DrainedRoom[];
  overMs: number;
}

export interface DrainedRoom {
  room: string;
  /** Connections that will be closed with 1012 (0 when the room failed: see `error`). */
  connections: number;
  /** Set when this room did not take the drain (`room_unavailable`); the other rooms still drain. */
  error?: { code: string; message: string };
}
