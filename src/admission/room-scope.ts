/**
 * @module room-scope
 * The one rule for "may this caller touch this room" (docs/protocol.md §5), used by every route that names
 * a room, in its path or in its body: a token's `rooms` patterns cover a room when one of them
 * matches it; the API key and AUTH_MODE=open cover every room. Connection auth (WebSocket, SSE,
 * SockJS, STOMP) and the HTTP API (per-room routes, tickets, `POST /publish`) all ask here, and
 * the HTTP API reaches a room's Durable Object only through `roomStubFor`, which asks again, so a
 * route that forgot its guard fails closed (403) instead of open. The stub is placed by the
 * room's policy (room/room-placement.ts), as every other path to the room places it.
 */
import { configFrom } from "../config";
import type { Env } from "../env";
import { roomObjectStub } from "../room/room-placement";
import { patternsCover } from "../shared/capabilities";
import { ROOM_OUT_OF_SCOPE } from "./refusals";

/** Which rooms a caller may use: every room, or those matched by a token's `rooms` patterns. */
export type RoomScope = "all" | readonly string[];

export function scopeCovers(scope: RoomScope, room: string): boolean {
  return scope === "all" || patternsCover(scope, room);
}

/** Thrown when the HTTP API is about to reach a room its caller may not use; the router answers 403. */
export class RoomOutOfScopeError extends Error {
  constructor() {
    super(ROOM_OUT_OF_SCOPE);
    this.name = "RoomOutOfScopeError";
  }
}

/** The room's name, once the caller's scope covers it (no scope, e.g. no guard ran: throws). */
export function roomInScope(scope: RoomScope | undefined, room: string): string {
  if (scope === undefined || !scopeCovers(scope, room)) throw new RoomOutOfScopeError();
  return room;
}

/** The room's Durable Object stub, for a caller whose scope covers the room (else it throws). */
export function roomStubFor(env: Env, scope: RoomScope | undefined, room: string) {
  return roomObjectStub(env, configFrom(env), roomInScope(scope, room));
}
