/**
 * @module room-role
 * What differs between the three kinds of room object (docs/protocol.md §8), as one interface:
 * a single room (single-room.ts), the primary of a sharded room (sharded-primary.ts) and one
 * shard of it (shard-room.ts). The room core (room-core.ts) picks one role when the object
 * learns its room name and hands every role-dependent step to it; what all roles share
 * (storage, sockets, delivery, presence, stats, the pipeline) stays in the core.
 */
import type { Member, StoredMessage } from "../shared/protocol";
import type { LocalGate } from "./local-sockets";
import type { OccupancyTruth } from "./occupancy-diff";
import type { PrimaryLink } from "./primary-link";
import type { Placement } from "./room-placement";
import type { Counters, RecentClose } from "./room-stats";
import type { SocketState } from "./socket-state";

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
  /** Where this object runs: its jurisdiction and location hint (room-placement.ts). */
  placement: Placement;
  /** Sharded rooms only: each shard object's placement (null: the shard did not answer). */
  shardPlacements?: Array<Placement | null>;
}

export interface RoomRole {
  /** Shard only: its publishes are sequenced by the primary (pipeline.ts forwards them). */
  readonly primaryLink?: PrimaryLink;
  /** Shard only: holds back local deliveries for connections still being attached. */
  readonly gate?: LocalGate;

  /** This object's share of the room's connection limit. */
  maxConnections(roomTotal: number): number;
  /** Single use of a connect ticket: true the first time; undefined when the primary could not answer. */
  redeemTicket(ticketId: string, expiresAtMs: number): Promise<boolean | undefined>;
  /** Accepts an upgraded socket and sends its welcome, replay or snapshots. */
  connect(server: WebSocket, state: SocketState, url: URL): Promise<void>;
  /** After the core recorded a socket's departure: presence `left`, or the primary is told. */
  departed(state: SocketState | null): void;
  /** A durable message from the pipeline, in seq order. */
  deliver(message: StoredMessage): void;

  // Hooks of the inbound frame handler (inbound.ts).
  /** Relays a binary frame to every other connection of the room (every shard); never sequenced. */
  relayBinary(state: SocketState, data: ArrayBuffer): void;
  /** Delivers a direct message; false when no such connection is in the room. */
  direct(to: string, from: string, dataJson: string): boolean | Promise<boolean>;
  /** Topic snapshots up to the newest delivered seq, in this reply's place. */
  sendSnapshots(ws: WebSocket, state: SocketState, filters: readonly string[]): void;
  presenceChanged(state: SocketState): void;

  // The role's part of the Worker's RPC.
  info(room: string): Promise<RoomInfo>;
  /** Closes one connection with 4009; false when no open connection has that id. */
  kick(connectionId: string): Promise<boolean>;
  /** Before the room's storage is wiped: sockets held elsewhere (shards) are closed. */
  closeForDelete(): Promise<void>;
  /** The role is replaced (new policy, wiped room): its timers stop. */
  cancel(): void;
  /** A drain of the room: other objects' connections this role drains too (a sharded room's primary: every shard's); how many. */
  drainElsewhere(overMs: number): Promise<number>;

  // Occupancy reports (occupancy.ts).
  /** The logical room's connections and users, where this object speaks for the room; a shard: undefined. */
  occupancyTruth(): OccupancyTruth | undefined;
  /** Forgets members whose sockets are gone without a close (a sharded room's primary asks its shards). */
  pruneOccupancy(): Promise<void>;
}
