/**
 * @module api-auth
 * HTTP API authentication (docs/protocol.md §5): `Authorization: Bearer <API_KEY>` compared in constant
 * time, or a JWT whose `can` includes `admin` (and whose `rooms` cover the room, room-scope.ts).
 * No or bad credentials → 401; a valid JWT without the right → 403. AUTH_MODE=open skips it
 * (local only). `admitApi` is what every HTTP API route calls.
 */
import type { Config } from "../config";
import { ADMIN_CAPABILITY } from "../shared/capabilities";
import { bearerToken } from "./bearer-token";
import { errorResponse } from "../shared/http-error";
import { roomOutOfScopeResponse } from "./refusals";
import { scopeCovers, type RoomScope } from "./room-scope";
import { verifyToken } from "../shared/token-claims";
import { ErrorCode } from "../shared/error-codes";

const encoder = new TextEncoder();

/** Constant-time string equality: both sides are hashed so lengths never leak through timing. */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [digestA, digestB] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(digestA, digestB);
}

/** Who called the API, and which rooms it may use: all of them, or an admin token's patterns. */
export interface ApiCaller {
  kind: "open" | "api_key" | "admin_token";
  scope: RoomScope;
}

export type ApiAuth = { ok: true; caller: ApiCaller } | { ok: false; response: Response };

export async function authenticateApi(request: Request, config: Config): Promise<ApiAuth> {
  if (config.authMode === "open") return { ok: true, caller: { kind: "open", scope: "all" } };
  const presented = bearerToken(request);
  if (!presented) return { ok: false, response: errorResponse(ErrorCode.unauthorized, "send Authorization: Bearer <API_KEY or admin token>") };
  if (config.apiKey && (await constantTimeEqual(presented, config.apiKey))) return { ok: true, caller: { kind: "api_key", scope: "all" } };
  const token = await verifyToken(presented, config.jwtSecret, "token");
  if (!token.ok) return { ok: false, response: errorResponse(ErrorCode.unauthorized, badCredentialsMessage(config)) };
  if (!token.claims.can.includes(ADMIN_CAPABILITY)) return { ok: false, response: errorResponse(ErrorCode.forbidden, "token lacks the admin capability") };
  return { ok: true, caller: { kind: "admin_token", scope: token.claims.rooms } };
}

/** Why a bearer was refused: a caller guessing at a key that does not exist is told so. */
function badCredentialsMessage(config: Config): string {
  if (config.apiKey) return "API key or token is not valid";
  if (!config.jwtSecret) return "no API key and no JWT_SECRET is configured on this server: the HTTP API needs one of them";
  return "no API key is configured on this server; the bearer is not a valid admin token";
}

export function callerMayUseRoom(caller: ApiCaller, room: string): boolean {
  return scopeCovers(caller.scope, room);
}

/**
 * Admits one HTTP API call: its caller, and when the route names a room, that the caller's scope
 * covers it (403 otherwise). `POST /publish` names its rooms per entry, so it passes none and
 * checks each entry with `callerMayUseRoom`.
 */
export async function admitApi(request: Request, config: Config, room?: string): Promise<ApiAuth> {
  const auth = await authenticateApi(request, config);
  if (!auth.ok || room === undefined || callerMayUseRoom(auth.caller, room)) return auth;
  return { ok: false, response: roomOutOfScopeResponse() };
}
