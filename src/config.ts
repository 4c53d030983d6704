/**
 * @module config
 * Reads and validates `[vars]` (docs/protocol.md §6) into one typed Config. A bad value throws a
 * ConfigError that names the setting, so a misconfigured deploy fails loudly and clearly.
 * Secrets (API_KEY, JWT_SECRET) are never echoed in an error.
 */
import { setLogLevel, type LogLevel } from "./log";
import { PolicyError, parseRoomPolicies, type RoomPolicy } from "./room-policies";
import { DEFAULT_LIMITS, MAX_RPC_MESSAGE_BYTES, MAX_TOPIC_CHARS_PER_CONNECTION, MAX_TOPICS_PER_CONNECTION, MAX_USER_ID_CHARS, PLATFORM_LIMITS, type Limits } from "./shared/limits";
import { MAX_PRESENCE_STATE_BYTES } from "./shared/socket-budget";
import { readOperationsConfig, type OperationsConfig } from "./operations/operations-config";

export type AuthMode = "token" | "open";

export interface Config {
  authMode: AuthMode;
  /** `"*"` allows every Origin; otherwise the exact origins allowed. */
  allowedOrigins: "*" | ReadonlySet<string>;
  apiKey: string | undefined;
  jwtSecret: string | undefined;
  /** CONNECT_RATE_LIMIT: "on" (default) applies the per-IP CONNECT_LIMITER; "off" skips it. */
  connectRateLimit: boolean;
  limits: Limits;
  /** ROOM_POLICIES, first match wins (room-policies.ts). */
  policies: RoomPolicy[];
  /** LOG_LEVEL: "info" (default) logs connects and closes; "error" only errors. */
  logLevel: LogLevel;
  /** Occupancy checks and webhooks (operations/operations-config.ts). */
  operations: OperationsConfig;
}

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
    this.name = "ConfigError";
  }
}

/** The settings a Worker reads; everything arrives as strings (`--var`) or TOML values. */
export type RawVars = Partial<Record<string, unknown>>;

function readInteger(vars: RawVars, name: string, fallback: number, min: number, max: number): number {
  const raw = vars[name];
  if (raw === undefined || raw === "") return fallback;
  const text = String(raw).trim();
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${shown}"`);
  }
  return value;
}

function readSecret(vars: RawVars, name: string): string | undefined {
  const raw = vars[name];
  if (raw === undefined || raw === "") return undefined;
  if (typeof raw !== "string") throw new ConfigError(name, "must be a string");
  return raw;
}

function readOrigins(vars: RawVars): Config["allowedOrigins"] {
  const raw = vars.ALLOWED_ORIGINS;
  if (raw === undefined || raw === "" || raw === "*") return "*";
  if (typeof raw !== "string") throw new ConfigError("ALLOWED_ORIGINS", 'must be "*" or a comma list of origins');
  const origins = raw.split(",").map((origin) => origin.trim()).filter(Boolean);
  for (const origin of origins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError("ALLOWED_ORIGINS", `"${origin}" is not an origin like https://example.com`);
    }
  }
  return new Set(origins);
}

export function parseConfig(vars: RawVars): Config {
  const mode = vars.AUTH_MODE ?? "token";
  if (mode !== "token" && mode !== "open") {
    throw new ConfigError("AUTH_MODE", `must be "token" or "open", got "${String(mode).slice(0, 40)}"`);
  }
  const limits: Limits = {
    maxMessageBytes: readInteger(vars, "MAX_MESSAGE_BYTES", DEFAULT_LIMITS.maxMessageBytes, 1, PLATFORM_LIMITS.maxReceivedMessageBytes),
    maxConnectionsPerRoom: readInteger(vars, "MAX_CONNECTIONS_PER_ROOM", DEFAULT_LIMITS.maxConnectionsPerRoom, 1, PLATFORM_LIMITS.maxSocketsPerObject),
    rateLimitMessagesPerSecond: readInteger(vars, "RATE_LIMIT_MESSAGES_PER_SECOND", DEFAULT_LIMITS.rateLimitMessagesPerSecond, 1, 1_000_000),
    historyMaxMessages: readInteger(vars, "HISTORY_MAX_MESSAGES", DEFAULT_LIMITS.historyMaxMessages, 0, 1_000_000),
    historyMaxAgeSeconds: readInteger(vars, "HISTORY_MAX_AGE_SECONDS", DEFAULT_LIMITS.historyMaxAgeSeconds, 1, 365 * 24 * 3600),
    presenceStateMaxBytes: readInteger(vars, "PRESENCE_STATE_MAX_BYTES", DEFAULT_LIMITS.presenceStateMaxBytes, 0, PLATFORM_LIMITS.maxAttachmentBytes),
  };
  checkSocketStateBudget(limits);
  const connectRateLimit = vars.CONNECT_RATE_LIMIT ?? "on";
  if (connectRateLimit !== "on" && connectRateLimit !== "off") {
    throw new ConfigError("CONNECT_RATE_LIMIT", `must be "on" or "off", got "${String(connectRateLimit).slice(0, 40)}"`);
  }
  const policies = readPolicies(vars);
  checkShardedMessageBytes(limits, policies);
  const logLevel = vars.LOG_LEVEL ?? "info";
  if (logLevel !== "info" && logLevel !== "error") throw new ConfigError("LOG_LEVEL", `must be "info" or "error", got "${String(logLevel).slice(0, 40)}"`);
  return {
    authMode: mode,
    logLevel,
    connectRateLimit: connectRateLimit === "on",
    allowedOrigins: readOrigins(vars),
    apiKey: readSecret(vars, "API_KEY"),
    jwtSecret: readSecret(vars, "JWT_SECRET"),
    limits,
    policies,
    operations: readOperationsConfig(vars, {
      integer: (name, fallback, min, max) => readInteger(vars, name, fallback, min, max),
      fail: (setting, message) => {
        throw new ConfigError(setting, message);
      },
    }),
  };
}

/**
 * A connection's state must fit the 16 KiB socket attachment (shared/socket-budget.ts): presence
 * state, topics and ids together. Topics and ids have fixed budgets, so presence takes the rest.
 */
export function checkSocketStateBudget(limits: Pick<Limits, "presenceStateMaxBytes">): void {
  if (limits.presenceStateMaxBytes > MAX_PRESENCE_STATE_BYTES) {
    throw new ConfigError(
      "PRESENCE_STATE_MAX_BYTES",
      `${limits.presenceStateMaxBytes} does not fit a connection's ${PLATFORM_LIMITS.maxAttachmentBytes}-byte socket attachment next to ${MAX_TOPICS_PER_CONNECTION} topics (${MAX_TOPIC_CHARS_PER_CONNECTION} characters) and a ${MAX_USER_ID_CHARS}-character user id: at most ${MAX_PRESENCE_STATE_BYTES}`,
    );
  }
}

/**
 * In a sharded room every message crosses an RPC (shard → primary → every shard), where it can
 * grow 12× (shared/rpc-budget.ts): MAX_MESSAGE_BYTES must then be at most MAX_RPC_MESSAGE_BYTES.
 * Unsharded rooms keep WebSocket messages inside one object, so only the platform caps them.
 */
export function checkShardedMessageBytes(limits: Pick<Limits, "maxMessageBytes">, policies: readonly RoomPolicy[]): void {
  const sharded = policies.find((policy) => policy.shards > 1);
  if (sharded && limits.maxMessageBytes > MAX_RPC_MESSAGE_BYTES) {
    throw new ConfigError(
      "MAX_MESSAGE_BYTES",
      `${limits.maxMessageBytes} is over ${MAX_RPC_MESSAGE_BYTES}, the most a sharded room can carry (ROOM_POLICIES "${sharded.match}" has ${sharded.shards} shards): a message crosses an RPC as JSON, up to 12 bytes per byte within the 32 MiB RPC limit`,
    );
  }
}

function readPolicies(vars: RawVars): RoomPolicy[] {
  try {
    return parseRoomPolicies(vars.ROOM_POLICIES);
  } catch (error) {
    if (error instanceof PolicyError) throw new ConfigError("ROOM_POLICIES", error.message);
    throw error;
  }
}

const cache = new WeakMap<object, Config>();

/** parseConfig memoized per env object: a Worker isolate parses its vars once. */
export function configFrom(env: object): Config {
  let config = cache.get(env);
  if (!config) {
    config = parseConfig(env as RawVars);
    setLogLevel(config.logLevel);
    cache.set(env, config);
  }
  return config;
}
