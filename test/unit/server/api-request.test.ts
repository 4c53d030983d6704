/**
 * @module api-request.test
 * How `roomcast/server` reads answers that are not the gateway's happy path, through its `fetch`
 * option (no gateway involved; the gateway tests in test/gateway/server-sdk cover real answers):
 * an error body that is not the API's JSON, a timed-out attempt, `Retry-After`, a final 500
 * (invalid_config) that is not retried, and the backoff bounds.
 */
import { describe, expect, it } from "vitest";
import { RoomcastError, RoomcastServer, type FetchLike } from "../../../src/server";
import { backoffDelayMs, retryAfterMs } from "../../../src/server/retry-policy";

const RETRY = { attempts: 3, baseDelayMs: 1, maxDelayMs: 4 };

function serverWith(fetch: FetchLike, options: { timeoutMs?: number } = {}): RoomcastServer {
  return new RoomcastServer({ url: "https://gateway.example/base/", apiKey: "k", retry: RETRY, fetch, ...options });
}

async function failure(call: Promise<unknown>): Promise<RoomcastError> {
  const error = await call.then(() => new Error("resolved"), (thrown: unknown) => thrown);
  if (!(error instanceof RoomcastError)) throw error;
  return error;
}

describe("RoomcastServer requests", () => {
  it("sends the API key as a Bearer token to the path under the base URL", async () => {
    const seen: Array<{ url: string; authorization: string | null }> = [];
    const server = serverWith(async (url, init) => {
      seen.push({ url, authorization: new Headers(init.headers).get("Authorization") });
      return Response.json({ rooms: [], cursor: null });
    });
    expect(await server.rooms({ prefix: "lobby-", limit: 5 })).toEqual({ rooms: [], cursor: null });
    expect(seen).toEqual([{ url: "https://gateway.example/base/rooms?prefix=lobby-&limit=5", authorization: "Bearer k" }]);
  });

  it("drain, drainAll and rooms send the requests of the shared contract (routes land with issue 13)", async () => {
    const seen: Array<{ method: string; url: string; body: unknown }> = [];
    const server = serverWith(async (url, init) => {
      seen.push({ method: init.method ?? "GET", url, body: typeof init.body === "string" ? JSON.parse(init.body) : init.body });
      return Response.json({}, { status: 202 });
    });
    await server.drain("lobby");
    await server.drain("lobby", { overMs: 0 });
    await server.drainAll({ prefix: "game-", overMs: 5_000 });
    await server.drainAll();
    await server.rooms({ cursor: "abc" });
    expect(seen).toEqual([
      { method: "POST", url: "https://gateway.example/base/rooms/lobby/drain", body: {} },
      { method: "POST", url: "https://gateway.example/base/rooms/lobby/drain", body: { overMs: 0 } },
      { method: "POST", url: "https://gateway.example/base/admin/drain", body: { prefix: "game-", overMs: 5_000 } },
      { method: "POST", url: "https://gateway.example/base/admin/drain", body: {} },
      { method: "GET", url: "https://gateway.example/base/rooms?cursor=abc", body: undefined },
    ]);
  });

  it("keeps the status of an answer whose body is not the API's JSON (code http_error), retrying a 502", async () => {
    let calls = 0;
    const error = await failure(serverWith(async () => (calls++, new Response("<html>bad gateway</html>", { status: 502 }))).info("r"));
    expect(error).toMatchObject({ status: 502, code: "http_error", attempts: RETRY.attempts });
    expect(calls).toBe(RETRY.attempts);
  });

  it("does not retry invalid_config (500): it answers every request until an operator fixes it", async () => {
    let calls = 0;
    const answer = () => Response.json({ error: { code: "invalid_config", message: "MAX_MESSAGE_BYTES is not a number" } }, { status: 500 });
    const error = await failure(serverWith(async () => (calls++, answer())).history("r"));
    expect(error).toMatchObject({ status: 500, code: "invalid_config", message: "MAX_MESSAGE_BYTES is not a number" });
    expect(calls).toBe(1);
  });

  it("abandons an attempt after timeoutMs and reports network_error once the retries are spent", async () => {
    const neverAnswers: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener("abort", () => reject(init.signal!.reason)));
    const error = await failure(serverWith(neverAnswers, { timeoutMs: 20 }).info("r"));
    expect(error).toMatchObject({ status: 0, code: "network_error", attempts: RETRY.attempts });
    expect(error.message).toMatch(/timed out after 20 ms/);
  });

  it("reads Retry-After as seconds or a date, and never waits longer than maxDelayMs for it", () => {
    const now = Date.parse("2030-01-01T00:00:00Z");
    expect(retryAfterMs(new Headers({ "Retry-After": "3" }), now)).toBe(3_000);
    expect(retryAfterMs(new Headers({ "Retry-After": "Tue, 01 Jan 2030 00:00:02 GMT" }), now)).toBe(2_000);
    expect(retryAfterMs(new Headers({ "Retry-After": "soon" }), now)).toBeUndefined();
    const options = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelayMs(options, 1, () => 0.999)).toBeLessThan(100);
    expect(backoffDelayMs(options, 10, () => 0.999)).toBeLessThan(1_000);
    expect(backoffDelayMs(options, 1, () => 0, 60_000)).toBe(1_000);
  });

  it("refuses bad options when created, not on the first call", () => {
    expect(() => new RoomcastServer({ url: "ftp://gateway.example" })).toThrow(TypeError);
    expect(() => new RoomcastServer({ url: "https://gateway.example", retry: { attempts: 0 } })).toThrow(RangeError);
  });
});
