/**
 * @module operations-config
 * The operations settings (docs/operations.md): occupancy checks, webhooks and their retries.
 * Runtime-free, read by config.ts; a bad value throws a ConfigError naming the setting (the
 * secret itself is never echoed).
 */
import { OCCUPANCY_EVENT_TYPES, isOccupancyEventType, type OccupancyEventType } from "../shared/occupancy-events";

export interface OperationsConfig {
  /** OCCUPANCY_CHECK_SECONDS: how often an occupied room recounts its sockets (the crash bound). */
  occupancyCheckSeconds: number;
  /** WEBHOOK_URL: where occupancy webhooks are POSTed; undefined = webhooks off. */
  webhookUrl: string | undefined;
  /** WEBHOOK_SECRET: the HMAC key; required with WEBHOOK_URL. */
  webhookSecret: string | undefined;
  /** WEBHOOK_EVENTS: the event kinds sent (default: all). */
  webhookEvents: ReadonlySet<OccupancyEventType>;
  /** WEBHOOK_RETRY_SECONDS: the first retry's delay; doubled per attempt up to MAX_WEBHOOK_RETRY_DELAY_SECONDS. */
  webhookRetrySeconds: number;
}

export const DEFAULT_OCCUPANCY_CHECK_SECONDS = 60;
export const MAX_OCCUPANCY_CHECK_SECONDS = 3_600;
export const DEFAULT_WEBHOOK_RETRY_SECONDS = 5;
/** Longest delay between two attempts of one delivery (Queues allows up to 12 h). */
export const MAX_WEBHOOK_RETRY_DELAY_SECONDS = 900;

/** What a reader of one setting needs: the caller's integer reader and error type. */
export interface SettingReaders {
  integer(name: string, fallback: number, min: number, max: number): number;
  fail(setting: string, message: string): never;
}

export function readOperationsConfig(vars: Partial<Record<string, unknown>>, read: SettingReaders): OperationsConfig {
  const webhookUrl = readWebhookUrl(vars.WEBHOOK_URL, read);
  const secret = vars.WEBHOOK_SECRET;
  if (secret !== undefined && secret !== "" && typeof secret !== "string") read.fail("WEBHOOK_SECRET", "must be a string");
  const webhookSecret = typeof secret === "string" && secret !== "" ? secret : undefined;
  if (webhookUrl && !webhookSecret) read.fail("WEBHOOK_SECRET", "is required when WEBHOOK_URL is set (every webhook is signed)");
  return {
    occupancyCheckSeconds: read.integer("OCCUPANCY_CHECK_SECONDS", DEFAULT_OCCUPANCY_CHECK_SECONDS, 1, MAX_OCCUPANCY_CHECK_SECONDS),
    webhookUrl,
    webhookSecret,
    webhookEvents: readWebhookEvents(vars.WEBHOOK_EVENTS, read),
    webhookRetrySeconds: read.integer("WEBHOOK_RETRY_SECONDS", DEFAULT_WEBHOOK_RETRY_SECONDS, 0, MAX_WEBHOOK_RETRY_DELAY_SECONDS),
  };
}

function readWebhookUrl(raw: unknown, read: SettingReaders): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (typeof raw !== "string") read.fail("WEBHOOK_URL", "must be an http(s) URL");
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    // Not a URL at all: answered below with the setting named.
  }
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) read.fail("WEBHOOK_URL", "must be an http(s) URL like https://example.com/roomcast-hooks");
  return url.href;
}

function readWebhookEvents(raw: unknown, read: SettingReaders): ReadonlySet<OccupancyEventType> {
  if (raw === undefined || raw === "") return new Set(OCCUPANCY_EVENT_TYPES);
  if (typeof raw !== "string") read.fail("WEBHOOK_EVENTS", `must be a comma list of ${OCCUPANCY_EVENT_TYPES.join(", ")}`);
  const kinds = new Set<OccupancyEventType>();
  for (const entry of raw.split(",").map((kind) => kind.trim()).filter(Boolean)) {
    if (!isOccupancyEventType(entry)) read.fail("WEBHOOK_EVENTS", `"${entry.slice(0, 40)}" is not one of ${OCCUPANCY_EVENT_TYPES.join(", ")}`);
    kinds.add(entry);
  }
  if (kinds.size === 0) read.fail("WEBHOOK_EVENTS", `must name at least one of ${OCCUPANCY_EVENT_TYPES.join(", ")}`);
  return kinds;
}

/** Delay before attempt `attempts + 1` of a delivery that failed `attempts` times: doubling, capped. */
export function webhookRetryDelaySeconds(baseSeconds: number, attempts: number): number {
  const doublings = Math.min(Math.max(attempts - 1, 0), 20);
  return Math.min(baseSeconds * 2 ** doublings, MAX_WEBHOOK_RETRY_DELAY_SECONDS);
}
