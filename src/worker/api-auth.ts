/**
 * @module api-auth
 * HTTP API authentication (SPEC §5): `Authorization: Bearer <API_KEY>`, compared in constant
 * time. AUTH_MODE=open skips it (local development only).
 */
import type { Config } from "../config";
import { errorResponse } from "./http-error";

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

/** null when the request may use the HTTP API, else the 401 to send. */
export async function checkApiKey(request: Request, config: Config): Promise<Response | null> {
  if (config.authMode === "open") return null;
  const presented = bearerToken(request);
  if (!presented) return errorResponse(401, "unauthorized", "send Authorization: Bearer <API_KEY>");
  if (!config.apiKey || !(await constantTimeEqual(presented, config.apiKey))) {
    return errorResponse(401, "unauthorized", "API key is not valid");
  }
  return null;
}
