/**
 * @module tickets
 * One-time connect tickets (docs/protocol.md §5): a backend trades its API key for a short-lived,
 * single-use JWT that a browser puts in `?ticket=`, so a long-lived token never sits in a URL.
 * The ticket carries the connection's claims plus `tkt: 1`, a random `jti` and `sexp`, the
 * expiry of the session it opens. The room refuses a second use of the same `jti`.
 */
import { sign } from "hono/jwt";
import { JWT_ALGORITHM, MAX_SUB_LENGTH } from "../admission";
import { CONNECTION_CAPABILITIES, isCapability, type ConnectionCapability } from "../shared/capabilities";
import { MAX_TICKET_SESSION_SECONDS, MAX_TICKET_TTL_SECONDS, TICKET_SESSION_SECONDS, TICKET_TTL_SECONDS } from "../shared/limits";

export interface TicketRequest {
  sub: string;
  can: ConnectionCapability[];
  ttlSeconds: number;
  sessionSeconds: number;
}

function whole(value: unknown, fallback: number, max: number): number | null {
  if (value === undefined) return fallback;
  return Number.isInteger(value) && (value as number) > 0 && (value as number) <= max ? (value as number) : null;
}

/** Validates a ticket request body; a string is the 400 message. */
export function parseTicketRequest(body: unknown): TicketRequest | string {
  const record = (typeof body === "object" && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  const sub = record.sub ?? "anonymous";
  if (typeof sub !== "string" || sub.length === 0 || sub.length > MAX_SUB_LENGTH) return `"sub" must be a string of 1–${MAX_SUB_LENGTH} characters`;
  const can = record.can ?? [...CONNECTION_CAPABILITIES];
  if (!Array.isArray(can) || !can.every((c) => isCapability(c) && c !== "admin")) return `"can" must list capabilities from ${CONNECTION_CAPABILITIES.join(", ")}`;
  const ttlSeconds = whole(record.ttlSeconds, TICKET_TTL_SECONDS, MAX_TICKET_TTL_SECONDS);
  if (ttlSeconds === null) return `"ttlSeconds" must be a whole number from 1 to ${MAX_TICKET_TTL_SECONDS}`;
  const sessionSeconds = whole(record.sessionSeconds, TICKET_SESSION_SECONDS, MAX_TICKET_SESSION_SECONDS);
  if (sessionSeconds === null) return `"sessionSeconds" must be a whole number from 1 to ${MAX_TICKET_SESSION_SECONDS}`;
  return { sub, can: can as ConnectionCapability[], ttlSeconds, sessionSeconds };
}

export async function mintTicket(room: string, request: TicketRequest, secret: string, nowMs: number): Promise<{ ticket: string; expiresAt: string }> {
  const now = Math.floor(nowMs / 1000);
  const exp = now + request.ttlSeconds;
  const payload = { tkt: 1, jti: crypto.randomUUID(), sub: request.sub, rooms: [room], can: request.can, iat: now, exp, sexp: now + request.sessionSeconds };
  return { ticket: await sign(payload, secret, JWT_ALGORITHM), expiresAt: new Date(exp * 1000).toISOString() };
}
