/**
 * @module reconnect-policy.test
 * The SDK's reconnect decision per close code (docs/protocol.md §4 "client should") and its backoff bounds.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_BACKOFF, decideReconnect, jitteredDelay, type CloseContext } from "../../../src/client/reconnect-policy";
import { CloseCode } from "../../../src/shared/close-codes";

const HIGHEST_RANDOM = 0.999_999;
const context = (code: number, extra: Partial<CloseContext> = {}): CloseContext => ({ code, attempt: 0, canRefreshToken: false, authRetried: false, ...extra });
const decide = (ctx: CloseContext, random = () => HIGHEST_RANDOM) => decideReconnect(ctx, DEFAULT_BACKOFF, random);

describe("decideReconnect", () => {
  for (const code of [CloseCode.normal, CloseCode.unsupportedData, CloseCode.invalidPayload, CloseCode.forbidden, CloseCode.kicked]) {
    it(`stops on ${code}`, () => {
      expect(decide(context(code)).action).toBe("stop");
    });
  }

  for (const code of [CloseCode.goingAway, CloseCode.policyViolation, CloseCode.messageTooBig, CloseCode.internalError, 1006]) {
    it(`retries ${code} within the first backoff window`, () => {
      const decision = decide(context(code));
      expect(decision.action).toBe("retry");
      expect(decision.action === "retry" && decision.delayMs).toBeLessThan(DEFAULT_BACKOFF.initialDelayMs);
    });
  }

  it("retries 1012 (drain) of an open connection uniformly within serviceRestartWindowMs, not the backoff window", () => {
    for (const random of [0, 0.25, 0.75, HIGHEST_RANDOM]) {
      const decision = decide(context(CloseCode.serviceRestart), () => random);
      expect(decision).toMatchObject({ action: "retry", delayMs: Math.floor(random * DEFAULT_BACKOFF.serviceRestartWindowMs) });
    }
    const narrow = { ...DEFAULT_BACKOFF, serviceRestartWindowMs: 200 };
    expect(decideReconnect(context(CloseCode.serviceRestart), narrow, () => 0.5)).toMatchObject({ action: "retry", delayMs: 100 });
  });

  it("retries a 1012 that came before any welcome (attempt > 0) with the growing backoff", () => {
    const decision = decide(context(CloseCode.serviceRestart, { attempt: 5 }), () => HIGHEST_RANDOM);
    expect(decision).toMatchObject({ action: "retry", delayMs: jitteredDelay(5, DEFAULT_BACKOFF, () => HIGHEST_RANDOM) });
    expect(decision.action === "retry" && decision.delayMs).toBeGreaterThan(DEFAULT_BACKOFF.serviceRestartWindowMs);
  });

  it("stops on 4001 with a fixed token", () => {
    expect(decide(context(CloseCode.unauthorized)).action).toBe("stop");
  });

  it("retries 4001 once when a token function can give a fresh token, then stops", () => {
    expect(decide(context(CloseCode.unauthorized, { canRefreshToken: true })).action).toBe("retry");
    expect(decide(context(CloseCode.unauthorized, { canRefreshToken: true, authRetried: true })).action).toBe("stop");
  });

  it("waits at least the long floor after 1013", () => {
    const decision = decide(context(CloseCode.tryAgainLater), () => 0);
    expect(decision).toMatchObject({ action: "retry", delayMs: DEFAULT_BACKOFF.tryAgainLaterMinDelayMs });
  });

  it("gives up after maxAttempts failed attempts in a row", () => {
    const bounded = { ...DEFAULT_BACKOFF, maxAttempts: 3 };
    expect(decideReconnect(context(1006, { attempt: 2 }), bounded, Math.random).action).toBe("retry");
    expect(decideReconnect(context(1006, { attempt: 3 }), bounded, Math.random).action).toBe("stop");
  });
});

describe("jitteredDelay", () => {
  it("stays within [0, min(cap, initial × 2^attempt)) for any attempt and random value", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.double({ min: 0, max: HIGHEST_RANDOM, noNaN: true }), (attempt, random) => {
        const delay = jitteredDelay(attempt, DEFAULT_BACKOFF, () => random);
        const window = Math.min(DEFAULT_BACKOFF.maxDelayMs, DEFAULT_BACKOFF.initialDelayMs * 2 ** Math.min(attempt, 30));
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(window);
      }),
    );
  });

  it("doubles the window per attempt until the cap", () => {
    const top = (attempt: number) => jitteredDelay(attempt, DEFAULT_BACKOFF, () => HIGHEST_RANDOM) + 1;
    expect([0, 1, 2].map(top)).toEqual([500, 1_000, 2_000]);
    expect(top(20)).toBe(DEFAULT_BACKOFF.maxDelayMs);
  });
});
