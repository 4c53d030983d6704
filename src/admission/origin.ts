/**
 * @module origin
 * The ALLOWED_ORIGINS check (docs/protocol.md §5), for connections of every transport and for the
 * SockJS routes. Requests without Origin (servers, CLIs) pass and are judged by their token.
 */
import type { Config } from "../config";
import { originNotAllowedResponse } from "./refusals";

export function isOriginAllowed(origin: string | null, allowed: "*" | ReadonlySet<string>): boolean {
  if (origin === null || allowed === "*") return true;
  return allowed.has(origin);
}

/** 403 when the request's Origin is not in ALLOWED_ORIGINS, else null. */
export function refuseForeignOrigin(request: Request, config: Config): Response | null {
  if (isOriginAllowed(request.headers.get("Origin"), config.allowedOrigins)) return null;
  return originNotAllowedResponse();
}
