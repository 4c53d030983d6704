/**
 * @module room-admin
 * Acting on rooms over HTTP (docs/protocol.md §2, §11): kick one connection (close 4009), delete
 * a room (every socket closed with 1001, storage wiped), drain one room or every occupied room
 * (1012 spread over `overMs`, so clients reconnect and resume). Deleting and draining are
 * retried on transient failures (doing either twice leaves the same state); kicking is not: a
 * repeat of a kick that landed would answer 404 for a connection that was in fact kicked.
 */
import { apiRequest } from "./api-request";
import type { DeletedRoom, GatewayDrain, KickedConnection, RoomDrain } from "./api-types";
import type { ResolvedServerOptions } from "./options";
import { roomPath } from "./room-path";

export interface DrainOptions {
  /** Spread the closes over this window (0–600000; the gateway's default is 10000). */
  overMs?: number;
}

export interface DrainAllOptions extends DrainOptions {
  /** Only rooms whose name starts with this. */
  prefix?: string;
}

export async function kick(options: ResolvedServerOptions, room: string, connectionId: string): Promise<KickedConnection> {
  return apiRequest(options, { method: "DELETE", path: roomPath(room, `/connections/${encodeURIComponent(connectionId)}`), idempotent: false });
}

export async function deleteRoom(options: ResolvedServerOptions, room: string): Promise<DeletedRoom> {
  return apiRequest(options, { method: "DELETE", path: roomPath(room), idempotent: true });
}

export async function drain(options: ResolvedServerOptions, room: string, drainOptions: DrainOptions = {}): Promise<RoomDrain> {
  const body = drainOptions.overMs === undefined ? {} : { overMs: drainOptions.overMs };
  return apiRequest(options, { method: "POST", path: roomPath(room, "/drain"), body, idempotent: true });
}

export async function drainAll(options: ResolvedServerOptions, drainOptions: DrainAllOptions = {}): Promise<GatewayDrain> {
  const body = { ...(drainOptions.prefix === undefined ? {} : { prefix: drainOptions.prefix }), ...(drainOptions.overMs === undefined ? {} : { overMs: drainOptions.overMs }) };
  return apiRequest(options, { method: "POST", path: "/admin/drain", body, idempotent: true });
}
