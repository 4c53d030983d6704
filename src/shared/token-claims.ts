/**
 * @module token-claims
 * Verifying a JWT (HS256 only, with hono/jwt) and checking the claims roomcast needs (docs/protocol.md §5):
 * `sub`, `exp` (required), `rooms`, `can`. Tickets are JWTs with `tkt: 1`, a `jti` and a
 * session expiry `sexp`; a ticket is never accepted as a token, nor a token as a ticket.
 * Failure reasons are short, fixed strings: never the token or the library's message.
 * Shared by admission (a connection's token or ticket, API admin tokens) and the room (an
 * in-band `{"type":"auth"}` refresh, which the Worker never sees): one verification, no runtime
 * beyond WebCrypto, which hono/jwt uses.
 */
import { verify } from "hono/jwt";
import { CONNECTION_CAPABILITIES, isCapability, type Capability } from "./capabilities";
import { MAX_TOKEN_LENGTH, MAX_USER_ID_CHARS } from "./limits";

export const JWT_ALGORITHM = "HS256";
/** Longest user id (`sub`) a token or ticket may carry: what a connection's socket state budgets for it. */
export const MAX_SUB_LENGTH = MAX_USER_ID_CHARS;

export interface Claims {
  sub: string;
  /** Expiry of the connection's right to stay, in ms since epoch. */
  expiresAtMs: number;
  rooms: string[];
  can: Capability[];
  ticketId?: string;
  /** For tickets: when the ticket itself stops being redeemable, in ms since epoch. */
  ticketExpiresAtMs?: number;
}

export type ClaimsResult = { ok: true; claims: Claims } | { ok: false; reason: string };

export type TokenKind = "token" | "ticket";

function fail(reason: string): ClaimsResult {
  return { ok: false, reason };
}

export async function verifyToken(token: string, secret: string | undefined, kind: TokenKind): Promise<ClaimsResult> {
  if (!secret) return fail("server has no JWT_SECRET");
  if (token.length > MAX_TOKEN_LENGTH || token.split(".").length !== 3) return fail("malformed token");
  let payload: Record<string, unknown>;
  try {
    payload = (await verify(token, secret, JWT_ALGORITHM)) as Record<string, unknown>;
  } catch (error) {
    const name = (error as Error)?.name ?? "";
    if (name === "JwtTokenExpired") return fail("token expired");
    if (name === "JwtTokenSignatureMismatched") return fail("bad token signature");
    if (name === "JwtAlgorithmMismatch" || name === "JwtHeaderInvalid") return fail("token must be HS256");
    return fail("malformed token");
  }
  const isTicket = payload.tkt === 1;
  if (kind === "token" && isTicket) return fail("tickets go in ?ticket=");
  if (kind === "ticket" && !isTicket) return fail("not a ticket");
  if (typeof payload.exp !== "number") return fail("token has no exp");
  if (typeof payload.sub !== "string" || payload.sub.length === 0 || payload.sub.length > MAX_SUB_LENGTH) return fail("token has no sub");
  const rooms = payload.rooms;
  if (!Array.isArray(rooms) || !rooms.every((room) => typeof room === "string")) return fail("token has no rooms list");
  const can = payload.can ?? [...CONNECTION_CAPABILITIES];
  if (!Array.isArray(can) || !can.every(isCapability)) return fail("token has an unknown capability");
  const claims: Claims = { sub: payload.sub, expiresAtMs: payload.exp * 1000, rooms: rooms as string[], can: can as Capability[] };
  if (isTicket) {
    if (typeof payload.jti !== "string" || typeof payload.sexp !== "number") return fail("malformed ticket");
    claims.ticketId = payload.jti;
    claims.ticketExpiresAtMs = payload.exp * 1000;
    claims.expiresAtMs = payload.sexp * 1000;
  }
  return { ok: true, claims };
}
