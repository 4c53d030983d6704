/**
 * @module options
 * `RoomcastServer` options, their defaults, and the checks made when a client is created (a
 * wrong URL or a missing key fails there, not on the first call).
 */

/** The subset of `fetch` the SDK uses: the runtime's global by default, or any compatible one. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Retries of failed requests: network errors, timeouts, 429 and 5xx. */
export interface RetryOptions {
  /** Requests per call, the first included; 1 disables retries. */
  attempts: number;
  /** Backoff before retry n is uniformly random in [0, min(maxDelayMs, baseDelayMs × 2^n)). */
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RoomcastServerOptions {
  /** The gateway: `https://roomcast.example.workers.dev` (ws(s) is accepted too); a path prefix is kept. */
  url: string;
  /** The gateway's API_KEY secret, or a JWT whose `can` includes `admin` (limited to its rooms). */
  apiKey?: string;
  /** The gateway's JWT_SECRET: needed only by `mintToken` and `mintTicket`. */
  jwtSecret?: string;
  retry?: Partial<RetryOptions>;
  /** One request (one attempt) is abandoned after this long and counts as a network error. */
  timeoutMs?: number;
  /** A fetch implementation (a service binding's `fetch`, a proxy-aware one); the global by default. */
  fetch?: FetchLike;
  /** Randomness for backoff jitter; Math.random by default. */
  random?: () => number;
}

export const DEFAULT_RETRY: Readonly<RetryOptions> = Object.freeze({ attempts: 3, baseDelayMs: 200, maxDelayMs: 3_000 });
export const DEFAULT_TIMEOUT_MS = 10_000;

export interface ResolvedServerOptions {
  baseUrl: string;
  apiKey: string | undefined;
  jwtSecret: string | undefined;
  retry: RetryOptions;
  timeoutMs: number;
  fetch: FetchLike;
  random: () => number;
}

function positive(name: string, value: number, allowZero = false): number {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) throw new RangeError(`RoomcastServer: ${name} must be a positive number, got ${value}`);
  return value;
}

export function resolveServerOptions(options: RoomcastServerOptions): ResolvedServerOptions {
  const url = new URL(options.url);
  if (url.protocol === "ws:") url.protocol = "http:";
  else if (url.protocol === "wss:") url.protocol = "https:";
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError(`RoomcastServer: url must be http(s) or ws(s), got ${url.protocol}`);
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1) throw new RangeError(`RoomcastServer: retry.attempts must be a whole number ≥ 1, got ${retry.attempts}`);
  positive("retry.baseDelayMs", retry.baseDelayMs, true);
  positive("retry.maxDelayMs", retry.maxDelayMs, true);
  const fetchImpl = options.fetch ?? (globalThis.fetch as FetchLike | undefined);
  if (typeof fetchImpl !== "function") throw new TypeError("RoomcastServer: this runtime has no global fetch; pass options.fetch");
  return {
    baseUrl: `${url.origin}${url.pathname.replace(/\/+$/, "")}`,
    apiKey: options.apiKey,
    jwtSecret: options.jwtSecret,
    retry,
    timeoutMs: positive("timeoutMs", options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    // Called unbound: some runtimes' fetch throws "Illegal invocation" when called as a method.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    random: options.random ?? Math.random,
  };
}
