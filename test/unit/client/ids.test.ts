/**
 * @module ids.test
 * Publish idempotency keys: RFC 9562 version-4 UUIDs, unique, also where crypto.randomUUID is
 * missing (browser pages outside a secure context).
 */
import { afterEach, describe, expect, it } from "vitest";
import { newMessageId } from "../../../src/client/ids";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SAMPLE = 2_000;

describe("newMessageId", () => {
  afterEach(() => {
    delete (globalThis.crypto as { randomUUID?: unknown }).randomUUID;
  });

  it("makes distinct version-4 UUIDs", () => {
    const ids = Array.from({ length: SAMPLE }, newMessageId);
    expect(ids.every((id) => UUID_V4.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(SAMPLE);
  });

  it("falls back to getRandomValues when crypto.randomUUID is missing", () => {
    // An own property shadows Crypto.prototype.randomUUID, as in an insecure browser context.
    Object.defineProperty(globalThis.crypto, "randomUUID", { value: undefined, configurable: true });
    const ids = Array.from({ length: SAMPLE }, newMessageId);
    expect(ids.every((id) => UUID_V4.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(SAMPLE);
  });
});
