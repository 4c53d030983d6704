/**
 * @module startup
 * Validates the vars once, when the Worker's module loads (before any request), so a bad
 * `[vars]` or `--var` value fails fast: `wrangler dev` prints the setting and the problem and
 * exits, `wrangler deploy` is refused, and no server answers every request `500 invalid_config`.
 * Also hands LOG_LEVEL and the secrets to the logger (secrets are blanked in every log line).
 */
import { checkConfig } from "../config-check";
import { log, setLogLevel, setLogSecrets } from "../log";

/** Throws (with the setting named) when the vars are invalid; the runtime then refuses to start. */
export function validateAtLoad(vars: Record<string, unknown>): void {
  const check = checkConfig(vars);
  setLogSecrets([vars.API_KEY, vars.JWT_SECRET, vars.WEBHOOK_SECRET].map((value) => (typeof value === "string" ? value : undefined)));
  if (!check.ok) {
    log("config_error", { setting: check.setting, reason: check.problem });
    // A plain message (no ConfigError class name in front) is what the runtime prints as uncaught.
    throw new Error(`invalid configuration: ${check.setting}: ${check.problem}`);
  }
  setLogLevel(check.config.logLevel);
}
