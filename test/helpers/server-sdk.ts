/**
 * @module server-sdk
 * For tests of `roomcast/server` against the real gateway: a RoomcastServer for a test gateway
 * (token mode: the test API key and JWT secret), and fetch wrappers that break requests on
 * purpose — the answer lost after the gateway acted, or a transient status in its place — and
 * record every request the SDK made.
 */
import { RoomcastServer, type FetchLike, type RoomcastServerOptions } from "../../src/server";
import { API_KEY, JWT_SECRET } from "./tokens";
import type { GatewayEndpoint } from "./use-gateway";

/** Retries without real waiting, so retry tests stay fast. */
export const QUICK_RETRY = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } as const;

export function serverFor(gateway: GatewayEndpoint, options: Partial<RoomcastServerOptions> = {}): RoomcastServer {
  return new RoomcastServer({ url: gateway.httpUrl, apiKey: API_KEY, jwtSecret: JWT_SECRET, retry: QUICK_RETRY, ...options });
}

export interface SentRequest {
  method: string;
  url: string;
  body: any;
}

export interface FaultyFetch {
  fetch: FetchLike;
  /** Every request the SDK made, in order (bodies parsed as JSON when they are). */
  requests: SentRequest[];
}

type Fault = "lose-answer" | { status: number; code: string; headers?: Record<string, string> };

/**
 * A fetch that applies `faults[i]` to the i-th request, then behaves normally:
 * `lose-answer` sends the request to the gateway, waits for its answer, and throws the network
 * error a dropped connection gives; a status answers that instead of the gateway (which never
 * sees the request).
 */
export function faultyFetch(faults: Fault[]): FaultyFetch {
  const requests: SentRequest[] = [];
  const fetchWithFaults: FetchLike = async (url, init) => {
    let body: unknown = init.body;
    try {
      body = typeof init.body === "string" ? JSON.parse(init.body) : init.body;
    } catch {
      // Not JSON: recorded as sent.
    }
    requests.push({ method: init.method ?? "GET", url, body });
    const fault = faults[requests.length - 1];
    if (fault === undefined) return fetch(url, init);
    if (fault === "lose-answer") {
      await (await fetch(url, init)).arrayBuffer();
      throw new TypeError("fetch failed", { cause: new Error("socket hang up (injected)") });
    }
    return Response.json({ error: { code: fault.code, message: "injected" } }, { status: fault.status, headers: fault.headers });
  };
  return { fetch: fetchWithFaults, requests };
}
