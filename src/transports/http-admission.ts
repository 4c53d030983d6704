/**
 * @module http-admission
 * Who may open an SSE stream or a SockJS session: the same rules as a WebSocket connect
 * (ALLOWED_ORIGINS, CONNECT_LIMITER, tokens and tickets from src/worker/connection-auth.ts),
 * answered as HTTP since these transports are plain HTTP: 403 foreign Origin, 429 flood,
 * 401 missing/invalid/expired credentials, 403 not for this room. Bodies are the usual JSON errors.
 */
import type { Config } from "../config";
import type { Env } from "../env";
import { CloseCode } from "../shared/close-codes";
import { authenticateConnection, type ConnectionGrant } from "../worker/connection-auth";
import { isOriginAllowed } from "../worker/handshake";
import { errorResponse } from "../worker/http-error";
import { connectAllowed } from "../worker/upgrade-flood";
import { corsHeaders } from "./cors";

export type Admission = { ok: true; grant: ConnectionGrant } | { ok: false; response: Response };

export interface AdmissionOptions {
  /** Count this request against CONNECT_LIMITER (new connections only, not every poll). */
  countConnect: boolean;
}

/** 403 when the request's Origin is not in ALLOWED_ORIGINS, else null. */
export function refuseForeignOrigin(request: Request, config: Config): Response | null {
  if (isOriginAllowed(request.headers.get("Origin"), config.allowedOrigins)) return null;
  return errorResponse(403, "origin_not_allowed", "this Origin may not connect");
}

/** Status and error code for a connection-auth failure (close code 4001 → 401, 4003 → 403). */
export function httpAuthFailure(code: number, reason: string, request: Request): Response {
  const forbidden = code === CloseCode.forbidden;
  return errorResponse(forbidden ? 403 : 401, forbidden ? "forbidden" : "unauthorized", reason, corsHeaders(request));
}

export async function admitHttpConnection(request: Request, env: Env, config: Config, room: string, options: AdmissionOptions): Promise<Admission> {
  const foreign = refuseForeignOrigin(request, config);
  if (foreign) return { ok: false, response: foreign };
  if (options.countConnect && !(await connectAllowed(env, config, request))) {
    return { ok: false, response: errorResponse(429, "too_many_connections", "too many new connections from this address; retry later", corsHeaders(request)) };
  }
  const auth = await authenticateConnection(request, new URL(request.url), undefined, config, room);
  if (!auth.ok) return { ok: false, response: httpAuthFailure(auth.code, auth.reason, request) };
  return { ok: true, grant: auth.grant };
}
