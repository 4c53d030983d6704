/**
 * @module api-request
 * One call of the gateway's HTTP API with fetch: the URL, the API key as a Bearer token, a JSON
 * body, a per-attempt timeout, retries of transient failures (retry-policy.ts), and every
 * non-2xx answer turned into a `RoomcastError` with the status and the code of the API's
 * `{"error":{"code","message"}}` body.
 */
import { RoomcastError } from "./errors";
import type { ResolvedServerOptions } from "./options";
import { backoffDelayMs, isTransient, retryAfterMs } from "./retry-policy";

export interface ApiCall {
  method: "GET" | "POST" | "DELETE";
  /** Already encoded path, e.g. `/rooms/lobby/messages`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  /** Sent as JSON when present. */
  body?: unknown;
  /** May be sent again after a transient failure: only calls that cannot take effect twice. */
  idempotent: boolean;
}

interface ApiErrorBody {
  error?: { code?: unknown; message?: unknown };
}

function urlOf(options: ResolvedServerOptions, call: ApiCall): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(call.query ?? {})) if (value !== undefined) query.set(name, String(value));
  const search = query.toString() === "" ? "" : `?${query}`;
  return `${options.baseUrl}${call.path}${search}`;
}

/** The API's error as a RoomcastError; a body that is not the API's shape still keeps the status. */
async function errorFrom(response: Response, call: ApiCall, attempts: number): Promise<RoomcastError> {
  const text = await response.text().catch(() => "");
  let body: ApiErrorBody | undefined;
  try {
    body = JSON.parse(text) as ApiErrorBody;
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): reported as http_error below.
  }
  const code = typeof body?.error?.code === "string" ? body.error.code : "http_error";
  const message = typeof body?.error?.message === "string" ? body.error.message : `${call.method} ${call.path} answered ${response.status}`;
  return new RoomcastError(response.status, code, message, { attempts });
}

function networkError(error: unknown, call: ApiCall, options: ResolvedServerOptions, attempts: number): RoomcastError {
  const name = (error as { name?: unknown } | null)?.name;
  const what = name === "TimeoutError" ? `timed out after ${options.timeoutMs} ms` : `failed: ${error instanceof Error ? error.message : String(error)}`;
  return new RoomcastError(0, "network_error", `${call.method} ${call.path} ${what}`, { attempts, cause: error });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Makes the call; resolves with the parsed JSON of a 2xx answer, or throws a RoomcastError. */
export async function apiRequest<T>(options: ResolvedServerOptions, call: ApiCall): Promise<T> {
  const url = urlOf(options, call);
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.apiKey) headers.Authorization = `Bearer ${options.apiKey}`;
  let body: string | undefined;
  if (call.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(call.body);
  }
  const attempts = call.idempotent ? options.retry.attempts : 1;
  for (let attempt = 1; ; attempt++) {
    let error: RoomcastError;
    let askedMs: number | undefined;
    try {
      const response = await options.fetch(url, { method: call.method, headers, body, signal: AbortSignal.timeout(options.timeoutMs) });
      if (response.ok) return await parseJson<T>(response, call, attempt);
      error = await errorFrom(response, call, attempt);
      askedMs = retryAfterMs(response.headers, Date.now());
    } catch (thrown) {
      if (thrown instanceof RoomcastError) throw thrown;
      error = networkError(thrown, call, options, attempt);
    }
    if (attempt >= attempts || !isTransient(error)) throw error;
    await sleep(backoffDelayMs(options.retry, attempt, options.random, askedMs));
  }
}

async function parseJson<T>(response: Response, call: ApiCall, attempts: number): Promise<T> {
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new RoomcastError(response.status, "http_error", `${call.method} ${call.path} answered ${response.status} with a body that is not JSON`, { attempts });
  }
}
