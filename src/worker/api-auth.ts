/**
 * @module api-auth
 * HTTP API authentication (SPEC §5): `Authorization: Bearer <API_KEY>` compared in constant
 * time, or a JWT whose `can` includes `admin` (and whose `rooms` cover the room). No or bad
 * credentials → 401; a valid JWT without the right → 403. AUTH_MODE=open skips it (local only).
 */
import type { Config } from "../config";
import { ADMIN_CAPABILITY, roomMatches } from "../shared/capabilities";
import { errorResponse } from "./http-error";
import { verifyToken } from "./token-claims";

const encoder = new TextEncoder();

/** Constant-time string equality: both sides are hashed so lengths never leak through timing. */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [digestA, digestB] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(digestA, digestB);
}

export function bearerToken(request: Request): string | undefined {
  const header = request.headers.get("Authorization");
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** Who called the API: the API key holder, or an admin JWT limited to its room patterns. */
export type ApiCaller = { kind: "open" } | { kind: "api_key" } | { kind: "admin_token"; rooms: string[] };

export type ApiAuth = { ok: true; caller: ApiCaller } | { ok: false; response: Response };

export async function authenticateApi(request: Request, config: Config): Promise<ApiAuth> {
  if (config.authMode === "open") return { ok: true, caller: { kind: "open" } };
  const presented = bearerToken(request);
  if (!presented) return { ok: false, response: errorResponse(401, "unauthorized", "send Authorization: Bearer <API_KEY or admin token>") };
  if (config.apiKey && (await constantTimeEqual(presented, config.apiKey))) return { ok: true, caller: { kind: "api_key" } };
  const token = await verifyToken(presented, config.jwtSecret, "token");
  if (!token.ok) return { ok: false, response: errorResponse(401, "unauthorized", "API key or token is not valid") };
  if (!token.claims.can.includes(ADMIN_CAPABILITY)) return { ok: false, response: errorResponse(403, "forbidden", "token lacks the admin capability") };
  return { ok: true, caller: { kind: "admin_token", rooms: token.claims.rooms } };
}

export function callerMayUseRoom(caller: ApiCaller, room: string): boolean {
  return caller.kind !== "admin_token" || caller.rooms.some((pattern) => roomMatches(pattern, room));
}

/** null when the request may use the HTTP API for `room` (if given), else the 401/403 to send. */
export async function checkApi(request: Request, config: Config, room?: string): Promise<Response | null> {
  const auth = await authenticateApi(request, config);
  if (!auth.ok) return auth.response;
  if (room !== undefined && !callerMayUseRoom(auth.caller, room)) return errorResponse(403, "forbidden", "token is not for this room");
  return null;
}
