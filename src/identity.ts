/**
 * @module identity
 * The headers that carry identity from the Worker to the room (docs/protocol.md §5). The room's
 * upgrade request is built fresh with only the Worker's own, so the room can trust them.
 */
import type { WireMode } from "./shared/protocol";

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

/**
 * The room's upgrade request for `url`: `Upgrade: websocket` and the Worker's identity headers,
 * nothing else. The room reads no other header, and the runtime completes the client's
 * handshake from the client's own request, so none of its headers is copied: a header a client
 * sent (an identity header it forged included) never reaches the room.
 */
export function withIdentity(url: string | URL, identity: ConnectionIdentity): Request {
  const headers: Record<string, string> = {
    Upgrade: "websocket",
    [IdentityHeader.room]: identity.room,
    [IdentityHeader.mode]: identity.mode,
  };
  if (identity.subprotocol) headers[IdentityHeader.subprotocol] = identity.subprotocol;
  if (identity.userId) headers[IdentityHeader.userId] = identity.userId;
  if (identity.capabilities) headers[IdentityHeader.capabilities] = identity.capabilities.join(",");
  if (identity.tokenExpiresAtMs) headers[IdentityHeader.tokenExpiresAtMs] = String(identity.tokenExpiresAtMs);
  if (identity.ticketId) headers[IdentityHeader.ticketId] = identity.ticketId;
  if (identity.ticketExpiresAtMs) headers[IdentityHeader.ticketExpiresAtMs] = String(identity.ticketExpiresAtMs);
  if (identity.shard !== undefined) headers[IdentityHeader.shard] = String(identity.shard);
  return new Request(url, { headers });
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
