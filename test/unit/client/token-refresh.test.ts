/**
 * @module token-refresh.test
 * The SDK's in-band token refresh (src/client/token-refresh.ts) on fake timers: reading `exp`
 * without verifying, when a refresh is due, the auth frame it sends, what an ack or a refusal
 * does, retries of a failing token function before expiry, and that a lost link stops it all.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MAX_REFRESH_ATTEMPTS, REFRESH_LEAD_MS, TokenRefresh, refreshDelayMs, tokenExpiryMs } from "../../../src/client/token-refresh";
import { RoomClientError } from "../../../src/client/events";

const NOW_MS = Date.UTC(2030, 0, 1);
const HOUR_MS = 3_600_000;

/** An unsigned JWT-shaped token with `payload` (the SDK never verifies). */
function jwt(payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "HS256", typ: "JWT" })}.${part(payload)}.signature`;
}

const expiringIn = (ms: number, extra: Record<string, unknown> = {}) => jwt({ sub: "ada", exp: Math.floor((Date.now() + ms) / 1000), ...extra });

describe("tokenExpiryMs", () => {
  it("reads exp in ms from the payload, whatever its characters", () => {
    expect(tokenExpiryMs(jwt({ sub: "José 🚀", exp: 1_900_000_000 }))).toBe(1_900_000_000_000);
  });

  it("is undefined for tokens it cannot read", () => {
    for (const token of ["opaque", "a.b.c", jwt({ sub: "x" }), jwt({ exp: "soon" }), `${jwt({ exp: 1 }).split(".")[0]}.%%%.x`]) {
      expect(tokenExpiryMs(token), token).toBeUndefined();
    }
  });
});

describe("refreshDelayMs", () => {
  it("refreshes a long-lived token at 80% of its remaining lifetime", () => {
    expect(refreshDelayMs(NOW_MS + HOUR_MS, NOW_MS)).toBe(0.8 * HOUR_MS);
  });

  it(`refreshes ${REFRESH_LEAD_MS / 1000} s before expiry when that is earlier`, () => {
    expect(refreshDelayMs(NOW_MS + 100_000, NOW_MS)).toBe(100_000 - REFRESH_LEAD_MS);
  });

  it("never refreshes before half the remaining lifetime, so a short token is not refreshed in a loop", () => {
    expect(refreshDelayMs(NOW_MS + 4_000, NOW_MS)).toBe(2_000);
    expect(refreshDelayMs(NOW_MS + 40_000, NOW_MS)).toBe(20_000);
  });

  it("is 0 for a token that has expired", () => {
    expect(refreshDelayMs(NOW_MS - 1, NOW_MS)).toBe(0);
  });
});

describe("TokenRefresh", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW_MS);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function setup(source: (() => string | Promise<string>) | string) {
    const sent: Array<Record<string, unknown>> = [];
    const errors: RoomClientError[] = [];
    let linkUp = true;
    const refresh = new TokenRefresh(source, {
      send: (text) => linkUp && (sent.push(JSON.parse(text) as Record<string, unknown>), true),
      error: (error) => errors.push(error),
    });
    return { refresh, sent, errors, dropLink: () => (linkUp = false) };
  }

  it("sends an auth frame with a fresh token at the due time, and reschedules from the acked token", async () => {
    let calls = 0;
    const { refresh, sent } = setup(() => expiringIn(10_000, { n: ++calls }));
    expect(await refresh.forConnect()).toEqual({ token: expect.any(String) });
    refresh.welcomed();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([{ type: "auth", token: expect.any(String), id: "auth-1" }]);
    expect(tokenExpiryMs(sent[0]!.token as string)).toBe(NOW_MS + 15_000);
    expect(refresh.answered("auth-1")).toBe(true);
    // The acked token expires at +15 s: the next refresh is due half-way, at +10 s.
    await vi.advanceTimersByTimeAsync(4_999);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent.map((frame) => frame.id)).toEqual(["auth-1", "auth-2"]);
    expect(calls).toBe(3);
  });

  it("does nothing for a fixed token string or a token without exp", async () => {
    const fixed = setup(expiringIn(10_000));
    await fixed.refresh.forConnect();
    fixed.refresh.welcomed();
    const noExp = setup(() => jwt({ sub: "ada" }));
    await noExp.refresh.forConnect();
    noExp.refresh.welcomed();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fixed.sent).toEqual([]);
    expect(noExp.sent).toEqual([]);
  });

  it("emits the room's refusal as an error and stops refreshing this link", async () => {
    const { refresh, sent, errors } = setup(() => expiringIn(10_000));
    await refresh.forConnect();
    refresh.welcomed();
    await vi.advanceTimersByTimeAsync(5_000);
    const refusal = new RoomClientError("forbidden", "token is for another user", "auth-1");
    expect(refresh.answered("auth-1", refusal)).toBe(true);
    expect(errors).toEqual([refusal]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent).toHaveLength(1);
  });

  it("leaves acks and errors of other frames to their owners", async () => {
    const { refresh } = setup(() => expiringIn(10_000));
    expect(refresh.answered("c0ffee")).toBe(false);
    expect(refresh.answered("auth-1", new RoomClientError("rate_limited", "dropped", "auth-1"))).toBe(false);
  });

  it(`asks a throwing token function ${MAX_REFRESH_ATTEMPTS} times before expiry, emitting each failure`, async () => {
    let calls = 0;
    const { refresh, sent, errors } = setup(() => {
      if (++calls === 1) return expiringIn(8_000);
      throw new Error("backend down");
    });
    await refresh.forConnect();
    refresh.welcomed();
    await vi.advanceTimersByTimeAsync(8_000);
    expect(calls).toBe(1 + MAX_REFRESH_ATTEMPTS);
    expect(errors.map((error) => [error.code, error.message])).toEqual(Array.from({ length: MAX_REFRESH_ATTEMPTS }, () => ["token_failed", "the token function failed: backend down"]));
    expect(sent).toEqual([]);
  });

  it("sends once the token function recovers on a retry", async () => {
    let calls = 0;
    const { refresh, sent, errors } = setup(() => {
      calls++;
      if (calls === 2) throw new Error("blip");
      return expiringIn(8_000);
    });
    await refresh.forConnect();
    refresh.welcomed();
    await vi.advanceTimersByTimeAsync(7_000);
    expect(errors).toHaveLength(1);
    expect(sent).toEqual([expect.objectContaining({ type: "auth", id: "auth-1" })]);
  });

  it("counts a token that expires no later than the current one as a failed attempt, and never sends it", async () => {
    const token = expiringIn(8_000);
    const { refresh, sent, errors } = setup(() => token);
    await refresh.forConnect();
    refresh.welcomed();
    await vi.advanceTimersByTimeAsync(8_000);
    expect(sent).toEqual([]);
    expect(errors).toHaveLength(MAX_REFRESH_ATTEMPTS);
    expect(errors[0]?.code).toBe("token_failed");
  });

  it("reports a token function that throws at connect and returns no token", async () => {
    const { refresh, errors } = setup(() => {
      throw new Error("no session");
    });
    expect(await refresh.forConnect()).toBeUndefined();
    expect(errors.map((error) => error.message)).toEqual(["the token function failed: no session"]);
  });

  it("stops with the link: no frame after stop(), and a late answer of the token function is dropped", async () => {
    let release: (token: string) => void = () => {};
    let calls = 0;
    const { refresh, sent } = setup(() => (++calls === 1 ? expiringIn(10_000) : new Promise<string>((resolve) => (release = resolve))));
    await refresh.forConnect();
    refresh.welcomed();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toBe(2);
    refresh.stop();
    release(expiringIn(60_000));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent).toEqual([]);
  });

  it("starts over from the token each new link connected with", async () => {
    let calls = 0;
    const { refresh, sent } = setup(() => expiringIn(++calls === 1 ? 10_000 : 20_000));
    await refresh.forConnect();
    refresh.welcomed();
    refresh.stop();
    await refresh.forConnect(); // a reconnect: the connect token now expires in 20 s
    refresh.welcomed();
    await vi.advanceTimersByTimeAsync(9_999);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(1);
  });
});
