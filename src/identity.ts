/**
 * @module identity
 * The headers that carry identity from the Worker to the room (docs/protocol.md §5). The Worker strips any
 * a client sent and sets its own, so the room can trust them.
 */
import type { WireMode } from "./shared/protocol";

export const IDENTITY_HEADER_PREFIX = "x-roomcast-";

export const IdentityHeader = {
  room: "x-roomcast-room",
  mode: "x-roomcast-mode",
  subprotocol: "x-roomcast-subprotocol",
  userId: "x-roomcast-user",
  capabilities: "x-roomcast-can",
  tokenExpiresAtMs: "x-roomcast-token-exp",
  ticketId: "x-roomcast-ticket-id",
  ticketExpiresAtMs: "x-roomcast-ticket-exp",
  shard: "x-roomcast-shard",
} as const;

export interface ConnectionIdentity {
  room: string;
  mode: WireMode;
  subprotocol?: string;
  userId?: string;
  capabilities?: string[];
  tokenExpiresAtMs?: number;
  /** A one-time ticket's id: the room refuses a second use. */
  ticketId?: string;
  ticketExpiresAtMs?: number;
  /** In a sharded room, which shard object holds this connection. */
  shard?: number;
}

/** A copy of `request` with client-sent identity headers removed and the Worker's set. */
export function withIdentity(request: Request, identity: ConnectionIdentity): Request {
  const headers = new Headers();
  for (const [name, value] of request.headers) {
    if (!name.toLowerCase().startsWith(IDENTITY_HEADER_PREFIX)) headers.set(name, value);
  }
  headers.set(IdentityHeader.room, identity.room);
  headers.set(IdentityHeader.mode, identity.mode);
  if (identity.subprotocol) headers.set(IdentityHeader.subprotocol, identity.subprotocol);
  if (identity.userId) headers.set(IdentityHeader.userId, identity.userId);
  if (identity.capabilities) headers.set(IdentityHeader.capabilities, identity.capabilities.join(","));
  if (identity.tokenExpiresAtMs) headers.set(IdentityHeader.tokenExpiresAtMs, String(identity.tokenExpiresAtMs));
  if (identity.ticketId) headers.set(IdentityHeader.ticketId, identity.ticketId);
  if (identity.ticketExpiresAtMs) headers.set(IdentityHeader.ticketExpiresAtMs, String(identity.ticketExpiresAtMs));
  if (identity.shard !== undefined) headers.set(IdentityHeader.shard, String(identity.shard));
  return new Request(request.url, { method: request.method, headers });
}

/** The identity the Worker set, as the room reads it. */
export function readIdentity(headers: Headers): ConnectionIdentity | null {
  const room = headers.get(IdentityHeader.room);
  const mode = headers.get(IdentityHeader.mode);
  if (!room || (mode !== "raw" && mode !== "v1")) return null;
  const capabilities = headers.get(IdentityHeader.capabilities);
  const expires = Number(headers.get(IdentityHeader.tokenExpiresAtMs));
  const ticketExpires = Number(headers.get(IdentityHeader.ticketExpiresAtMs));
  const shard = headers.get(IdentityHeader.shard);
  return {
    room,
    mode,
    subprotocol: headers.get(IdentityHeader.subprotocol) ?? undefined,
    userId: headers.get(IdentityHeader.userId) ?? undefined,
    capabilities: capabilities === null ? undefined : capabilities.split(",").filter(Boolean),
    tokenExpiresAtMs: Number.isFinite(expires) && expires > 0 ? expires : undefined,
    ticketId: headers.get(IdentityHeader.ticketId) ?? undefined,
    ticketExpiresAtMs: Number.isFinite(ticketExpires) && ticketExpires > 0 ? ticketExpires : undefined,
    shard: shard !== null && /^\d{1,3}$/.test(shard) ? Number(shard) : undefined,
  };
}
