/**
 * @module tokens
 * Minting what a browser connects with, in your backend (docs/protocol.md §5): connection tokens
 * (JWT, HS256 with the gateway's JWT_SECRET; claims `sub`, `exp`, `rooms`, `can`) and one-time
 * tickets (the same claims for one room plus `tkt: 1`, a random `jti` and `sexp`, the session's
 * expiry: the format of src/worker/tickets.ts). Signed with `jose`; no crypto of our own. A
 * backend without the secret asks the gateway for a ticket instead (`requestTicket`).
 */
import { SignJWT } from "jose";
import { CONNECTION_CAPABILITIES, isCapability, type Capability, type ConnectionCapability } from "../shared/capabilities";
import { MAX_TICKET_SESSION_SECONDS, MAX_TICKET_TTL_SECONDS, MAX_USER_ID_CHARS, TICKET_SESSION_SECONDS, TICKET_TTL_SECONDS } from "../shared/limits";
import { apiRequest } from "./api-request";
import type { ResolvedServerOptions } from "./options";
import { roomPath } from "./room-path";

/** The only algorithm the gateway accepts. */
const JWT_ALGORITHM = "HS256";
export const DEFAULT_TOKEN_TTL_SECONDS = 3_600;

export interface TokenClaims {
  /** The user id: presence, `from` of directs and per-user idempotency scope. 1–256 characters. */
  sub: string;
  /** Room-name patterns the token opens, a `*` suffix matching every name with that prefix: `["lobby-*", "chat"]`. */
  rooms: string[];
  /** What the connection may do; all of publish, subscribe, presence, direct when absent. `admin` makes an HTTP API token. */
  can?: Capability[];
  /** Lifetime; the gateway closes the connection with 4001 when it ends. Default 3600. */
  ttlSeconds?: number;
}

export interface TicketOptions {
  /** The user id; `anonymous` when absent (as the gateway's ticket route does). */
  sub?: string;
  can?: ConnectionCapability[];
  /** How long the ticket can be redeemed (once): default 30, at most 300. */
  ttlSeconds?: number;
  /** How long the connection it opens may stay: default 3600, at most 86400. */
  sessionSeconds?: number;
}

export interface Ticket {
  ticket: string;
  /** When the ticket stops being redeemable (ISO 8601). */
  expiresAt: string;
}

function keyOf(secret: string | undefined): Uint8Array {
  if (!secret) throw new TypeError("RoomcastServer: minting needs the gateway's JWT_SECRET (options.jwtSecret)");
  return new TextEncoder().encode(secret);
}

function checkSub(sub: unknown): string {
  if (typeof sub !== "string" || sub.length === 0 || sub.length > MAX_USER_ID_CHARS) throw new TypeError(`sub must be a string of 1–${MAX_USER_ID_CHARS} characters`);
  return sub;
}

function wholeSeconds(name: string, value: number | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0 || value > max) throw new RangeError(`${name} must be a whole number from 1 to ${max}`);
  return value;
}

function sign(secret: string | undefined, payload: Record<string, unknown>): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: JWT_ALGORITHM, typ: "JWT" }).sign(keyOf(secret));
}

/** A connection token for `new RoomClient({ token })`, `?token=` or `Authorization: Bearer`. */
export async function mintToken(secret: string | undefined, claims: TokenClaims, nowMs = Date.now()): Promise<string> {
  const sub = checkSub(claims.sub);
  if (!Array.isArray(claims.rooms) || !claims.rooms.every((room) => typeof room === "string" && room.length > 0)) throw new TypeError("rooms must be a list of room-name patterns");
  if (claims.can !== undefined && (!Array.isArray(claims.can) || !claims.can.every(isCapability))) throw new TypeError(`can must list capabilities from ${CONNECTION_CAPABILITIES.join(", ")}, admin`);
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + wholeSeconds("ttlSeconds", claims.ttlSeconds, DEFAULT_TOKEN_TTL_SECONDS);
  return sign(secret, { sub, rooms: [...claims.rooms], ...(claims.can === undefined ? {} : { can: [...claims.can] }), iat, exp });
}

/** A one-time ticket for `?ticket=` on one room, minted locally with the JWT secret. */
export async function mintTicket(secret: string | undefined, room: string, options: TicketOptions = {}, nowMs = Date.now()): Promise<Ticket> {
  roomPath(room); // the name rule, before anything is signed
  const sub = checkSub(options.sub ?? "anonymous");
  const can = options.can ?? [...CONNECTION_CAPABILITIES];
  if (!Array.isArray(can) || !can.every((c) => (CONNECTION_CAPABILITIES as readonly string[]).includes(c))) throw new TypeError(`can must list capabilities from ${CONNECTION_CAPABILITIES.join(", ")}`);
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + wholeSeconds("ttlSeconds", options.ttlSeconds, TICKET_TTL_SECONDS, MAX_TICKET_TTL_SECONDS);
  const sexp = iat + wholeSeconds("sessionSeconds", options.sessionSeconds, TICKET_SESSION_SECONDS, MAX_TICKET_SESSION_SECONDS);
  const ticket = await sign(secret, { tkt: 1, jti: crypto.randomUUID(), sub, rooms: [room], can: [...can], iat, exp, sexp });
  return { ticket, expiresAt: new Date(exp * 1000).toISOString() };
}

/** A one-time ticket from the gateway (`POST /rooms/:room/tickets`, API key): for backends without the JWT secret. */
export async function requestTicket(options: ResolvedServerOptions, room: string, ticketOptions: TicketOptions = {}): Promise<Ticket> {
  // Retried: a repeat mints a second ticket, and the unused one simply expires.
  return apiRequest(options, { method: "POST", path: roomPath(room, "/tickets"), body: ticketOptions, idempotent: true });
}
