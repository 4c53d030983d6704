/**
 * @module tickets
 * One-time connect tickets (docs/protocol.md §5): a backend trades its API key for a short-lived,
 * single-use JWT that a browser puts in `?ticket=`, so a long-lived token never sits in a URL.
 * The ticket carries the connection's claims plus `tkt: 1`, a random `jti` and `sexp`, the
 * expiry of the session it opens. The room refuses a second use of the same `jti`. The request
 * is validated, with its defaults, by the TicketBody schema (api/room-schemas.ts).
 */
import { sign } from "hono/jwt";
import { JWT_ALGORITHM } from "../admission";
import type { ConnectionCapability } from "../shared/capabilities";

export interface TicketRequest {
  sub: string;
  can: ConnectionCapability[];
  ttlSeconds: number;
  sessionSeconds: number;
}

export async function mintTicket(room: string, request: TicketRequest, secret: string, nowMs: number): Promise<{ ticket: string; expiresAt: string }> {
  const now = Math.floor(nowMs / 1000);
  const exp = now + request.ttlSeconds;
  const payload = { tkt: 1, jti: crypto.randomUUID(), sub: request.sub, rooms: [room], can: request.can, iat: now, exp, sexp: now + request.sessionSeconds };
  return { ticket: await sign(payload, secret, JWT_ALGORITHM), expiresAt: new Date(exp * 1000).toISOString() };
}
