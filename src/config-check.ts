/**
 * @module config-check
 * The start-time check of the Worker's vars (docs/protocol.md §6), runtime-free so two places share it:
 * the Worker runs it when its module loads (worker/startup.ts), so a bad value stops
 * `wrangler dev` and fails `wrangler deploy` instead of answering every request 500; and
 * `npm start` (scripts/start.mjs) runs it on the vars it is about to pass, before wrangler starts.
 * It reads every setting the Worker validates, including the transports' TRANSPORT_HEARTBEAT_SECONDS.
 */
import { ConfigError, parseConfig, type Config, type RawVars } from "./config";
import { transportSettings } from "./transports/transport-settings";

export type ConfigCheck = { ok: true; config: Config; warnings: string[] } | { ok: false; setting: string; problem: string };

export function checkConfig(vars: RawVars): ConfigCheck {
  try {
    const config = parseConfig(vars);
    transportSettings(vars as { TRANSPORT_HEARTBEAT_SECONDS?: string });
    return { ok: true, config, warnings: configWarnings(config) };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, setting: error.setting, problem: error.message.slice(error.setting.length + 2) };
    throw error;
  }
}

/** Settings that start but leave part of the gateway refusing everyone (token mode without secrets). */
export function configWarnings(config: Config): string[] {
  if (config.authMode !== "token") return [];
  const warnings: string[] = [];
  if (!config.jwtSecret) warnings.push("AUTH_MODE=token without JWT_SECRET: every WebSocket, SSE and SockJS connection is refused (4001) and tickets are unavailable");
  if (!config.apiKey) warnings.push(`AUTH_MODE=token without API_KEY: the HTTP API accepts only admin tokens${config.jwtSecret ? "" : ", and without JWT_SECRET there are none"}`);
  return warnings;
}
