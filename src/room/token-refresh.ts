/**
 * @module token-refresh
 * The room's decision on an in-band `{"type":"auth","token","id"?}` frame (docs/protocol.md §3,
 * §5): the frame goes from the socket to the room, so the Worker is not in its path and the room
 * verifies the token itself, with the same code the Worker runs at connect (shared/token-claims.ts).
 *
 * - Accepted when the token verifies (HS256, JWT_SECRET, unexpired, a token and not a ticket), is
 *   for the connection's user (`sub`) and its `rooms` cover this room: the connection's
 *   capabilities and expiry become the token's. A connection that came in with a ticket is
 *   extended the same way: the token replaces the ticket's grant and session expiry.
 * - Invalid or expired → `unauthorized`; another user or room → `forbidden`. A refused refresh
 *   changes nothing: the connection keeps its old grant and still closes 4001 when it expires.
 * - AUTH_MODE=open: connections hold no token (none is checked at connect either), so there is
 *   nothing to replace; the frame is acked and changes nothing, and an app written for token mode
 *   runs unchanged against `npm start`.
 *
 * The new state fits the attachment budget (socket-budget.ts) like the old one: the user id is
 * unchanged, the capabilities are a set of at most the budgeted names, the expiry one number.
 */
import type { Config } from "../config";
import { connectionCapabilitiesOf, patternsCover } from "../shared/capabilities";
import { ErrorCode, type FrameErrorCode } from "../shared/error-codes";
import { verifyToken } from "../shared/token-claims";
import type { SocketState } from "./socket-state";

/** What an accepted token grants the connection from now on. */
export interface RefreshedGrant {
  capabilities: string[];
  tokenExpiresAtMs: number;
}

export type RefreshDecision =
  /** `grant` is absent in AUTH_MODE=open: acked, nothing changes. */
  | { ok: true; grant?: RefreshedGrant }
  | { ok: false; code: FrameErrorCode; message: string };

export const REFRESH_REFUSAL = Object.freeze({
  otherUser: "token is for another user",
  otherRoom: "token is not for this room",
});

function refused(code: FrameErrorCode, message: string): RefreshDecision {
  return { ok: false, code, message };
}

/** Whether `token` may replace the grant of the connection in `state`, in room `room`. */
export async function decideRefresh(token: string, state: SocketState, config: Pick<Config, "authMode" | "jwtSecret">, room: string): Promise<RefreshDecision> {
  if (config.authMode === "open") return { ok: true };
  const result = await verifyToken(token, config.jwtSecret, "token");
  if (!result.ok) return refused(ErrorCode.unauthorized, result.reason);
  const { claims } = result;
  if (state.userId === undefined || claims.sub !== state.userId) return refused(ErrorCode.forbidden, REFRESH_REFUSAL.otherUser);
  if (!patternsCover(claims.rooms, room)) return refused(ErrorCode.forbidden, REFRESH_REFUSAL.otherRoom);
  // A token may list a capability many times; the attachment holds each once (as at connect).
  return { ok: true, grant: { capabilities: [...new Set(connectionCapabilitiesOf(claims.can))], tokenExpiresAtMs: claims.expiresAtMs } };
}

/** The connection's state under the new grant; everything else (topics, presence, ids) stays. */
export function withGrant(state: SocketState, grant: RefreshedGrant): SocketState {
  return { ...state, capabilities: grant.capabilities, tokenExpiresAtMs: grant.tokenExpiresAtMs };
}
