/**
 * @module room-reads
 * Reading rooms over HTTP (docs/protocol.md §2): a room's history and info, and the occupied
 * rooms of the live-room directory (`GET /rooms`, §11). Reads are retried on transient failures.
 */
import { apiRequest } from "./api-request";
import type { HistoryPage, RoomInfo, RoomList } from "./api-types";
import type { ResolvedServerOptions } from "./options";
import { roomPath } from "./room-path";

export interface HistoryOptions {
  /** Messages with a seq above this one (0: from the oldest kept). */
  since?: number;
  /** At most this many (the gateway caps a page at 1000; default 100). */
  limit?: number;
}

export interface RoomsOptions {
  /** Only rooms whose name starts with this. */
  prefix?: string;
  /** Rooms per page (default 100, at most 1000). */
  limit?: number;
  /** The previous page's `cursor`. */
  cursor?: string;
}

export async function history(options: ResolvedServerOptions, room: string, query: HistoryOptions = {}): Promise<HistoryPage> {
  return apiRequest(options, { method: "GET", path: roomPath(room, "/messages"), query: { since: query.since, limit: query.limit }, idempotent: true });
}

export async function info(options: ResolvedServerOptions, room: string): Promise<RoomInfo> {
  return apiRequest(options, { method: "GET", path: roomPath(room, "/info"), idempotent: true });
}

export async function rooms(options: ResolvedServerOptions, query: RoomsOptions = {}): Promise<RoomList> {
  return apiRequest(options, { method: "GET", path: "/rooms", query: { prefix: query.prefix, limit: query.limit, cursor: query.cursor }, idempotent: true });
}
