/**
 * @module connect-flood
 * Per-client-IP limit on new connections (docs/protocol.md §7), with the Workers Rate Limiting binding
 * CONNECT_LIMITER (wrangler.toml `[[ratelimits]]`; it also works locally). Over the limit a
 * connection is answered 429 before any upgrade or stream (refusals.ts). Every transport counts
 * new connections only: a SockJS poll of an existing session is not one. CONNECT_RATE_LIMIT=off
 * disables it (load tests).
 */
import type { Config } from "../config";
import type { Env } from "../env";

export async function connectAllowed(env: Env, config: Config, request: Request): Promise<boolean> {
  if (!config.connectRateLimit || !env.CONNECT_LIMITER) return true;
  const ip = request.headers.get("CF-Connecting-IP") ?? "unknown";
  const { success } = await env.CONNECT_LIMITER.limit({ key: ip });
  return success;
}
