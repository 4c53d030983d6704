/**
 * @module connection-auth
 * Who may connect (docs/protocol.md §5): in AUTH_MODE=token a connection needs a JWT from the
 * `roomcast.token.<jwt>` subprotocol entry, `Authorization: Bearer`, or `?token=`, or a one-time
 * `?ticket=`. Missing/invalid/expired → 4001, not for this room → 4003, decided in the Worker
 * without touching the room (a ticket's single use is then checked by the room).
 */
import type { Config } from "../config";
import { connectionCapabilitiesOf, type ConnectionCapability } from "../shared/capabilities";
import { Close } from "../shared/closes";
import { bearerToken } from "./bearer-token";
import { scopeCovers } from "./room-scope";
import { verifyToken } from "../shared/token-claims";

export interface ConnectionGrant {
  userId?: string;
  capabilities?: ConnectionCapability[];
  tokenExpiresAtMs?: number;
  ticketId?: string;
  ticketExpiresAtMs?: number;
}

export type ConnectionAuth = { ok: true; grant: ConnectionGrant } | { ok: false; code: number; reason: string };

/** AUTH_MODE=open only: `?user=` names the user, since there is no token to say who it is. */
const OPEN_MODE_USER_PATTERN = /^[A-Za-z0-9._:@-]{1,64}$/;

export async function authenticateConnection(request: Request, url: URL, subprotocolToken: string | undefined, config: Config, room: string): Promise<ConnectionAuth> {
  if (config.authMode === "open") {
    const user = url.searchParams.get("user");
    return { ok: true, grant: { userId: user !== null && OPEN_MODE_USER_PATTERN.test(user) ? user : undefined } };
  }
  const ticket = url.searchParams.get("ticket");
  const token = subprotocolToken ?? bearerToken(request) ?? url.searchParams.get("token") ?? undefined;
  if (token === undefined && ticket === null) return { ok: false, ...Close.tokenRequired };
  const result = token !== undefined ? await verifyToken(token, config.jwtSecret, "token") : await verifyToken(ticket!, config.jwtSecret, "ticket");
  if (!result.ok) return { ok: false, ...Close.badToken(result.reason) };
  const { claims } = result;
  if (!scopeCovers(claims.rooms, room)) return { ok: false, ...Close.roomOutOfScope };
  return {
    ok: true,
    grant: {
      userId: claims.sub,
      capabilities: connectionCapabilitiesOf(claims.can),
      tokenExpiresAtMs: claims.expiresAtMs,
      ticketId: claims.ticketId,
      ticketExpiresAtMs: claims.ticketExpiresAtMs,
    },
  };
}
