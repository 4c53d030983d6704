import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ConfigError, parseConfig } from "../../src/config";
import { CONNECTION_ID_LENGTH } from "../../src/room/connection-id";
import { MAX_SUB_LENGTH } from "../../src/shared/token-claims";
import { MAX_TOPIC_CHARS_PER_CONNECTION, MAX_USER_ID_CHARS, PLATFORM_LIMITS } from "../../src/shared/limits";
import {
  ATTACHMENT_BUDGET_BYTES,
  FIXED_STATE_BYTES_BOUND,
  MAX_CONNECTION_ID_CHARS,
  MAX_PRESENCE_STATE_BYTES,
  TOPICS_BYTES_BOUND,
  attachmentBytesBound,
  presenceBytesBound,
  topicsBudgetProblem,
  topicsQueryProblem,
} from "../../src/shared/socket-budget";
import { MAX_TOPICS_PER_CONNECTION, MAX_TOPIC_LENGTH } from "../../src/shared/limits";

/** Issue 10 item 4: every client-set part of socket state has a budget, and the budgets fit 16 KiB. */
describe("socket state budget", () => {
  it("adds up to less than the attachment ceiling at the largest allowed presence", () => {
    const total = FIXED_STATE_BYTES_BOUND + TOPICS_BYTES_BOUND + presenceBytesBound(MAX_PRESENCE_STATE_BYTES);
    expect(total).toBeLessThanOrEqual(ATTACHMENT_BUDGET_BYTES);
    expect(ATTACHMENT_BUDGET_BYTES).toBeLessThan(PLATFORM_LIMITS.maxAttachmentBytes);
    expect(MAX_PRESENCE_STATE_BYTES).toBeGreaterThanOrEqual(1024);
  });

  it("takes a token's longest sub from the user-id budget, not a copy of its number", () => {
    // One rule in one place: a copied 256 could drift from the budget without any test noticing.
    expect(MAX_SUB_LENGTH).toBe(MAX_USER_ID_CHARS);
    const source = readFileSync(new URL("../../src/shared/token-claims.ts", import.meta.url), "utf8");
    expect(source).toMatch(/MAX_SUB_LENGTH = MAX_USER_ID_CHARS;/);
  });

  it("covers the ids the Worker and the room hand out", () => {
    expect(MAX_SUB_LENGTH).toBeLessThanOrEqual(MAX_USER_ID_CHARS);
    expect(CONNECTION_ID_LENGTH).toBeLessThanOrEqual(MAX_CONNECTION_ID_CHARS);
  });

  it("refuses the 64 topics of 256 characters that used to end in 1011 / HTTP 500", () => {
    const topics = Array.from({ length: MAX_TOPICS_PER_CONNECTION }, (_, i) => `${i}`.padEnd(MAX_TOPIC_LENGTH, "t"));
    expect(topicsBudgetProblem(topics)).toMatch(/characters/);
    expect(topicsQueryProblem(topics.join(","))).toMatch(/characters/);
    expect(topicsBudgetProblem(topics.slice(0, 16))).toBeUndefined();
  });

  it("bounds any state whose parts are within their budgets", () => {
    const topic = fc.string({ unit: "binary", minLength: 1, maxLength: MAX_TOPIC_LENGTH }).filter((t) => t.length <= MAX_TOPIC_LENGTH);
    fc.assert(
      fc.property(fc.array(topic, { maxLength: MAX_TOPICS_PER_CONNECTION }), fc.string({ unit: "binary", maxLength: MAX_USER_ID_CHARS / 2 }), (topics, userId) => {
        if (topicsBudgetProblem(topics) !== undefined) return;
        const state = { v: 1, id: "a".repeat(16), mode: "v1", echo: true, topics, userId, capabilities: ["publish"], connectedAtMs: Date.now(), presenceJson: "x".repeat(MAX_PRESENCE_STATE_BYTES) };
        expect(attachmentBytesBound(state)).toBeLessThanOrEqual(ATTACHMENT_BUDGET_BYTES);
      }),
    );
  });

  it("config refuses a PRESENCE_STATE_MAX_BYTES that cannot fit, naming the setting", () => {
    expect(parseConfig({ PRESENCE_STATE_MAX_BYTES: String(MAX_PRESENCE_STATE_BYTES) }).limits.presenceStateMaxBytes).toBe(MAX_PRESENCE_STATE_BYTES);
    const tooBig = () => parseConfig({ PRESENCE_STATE_MAX_BYTES: String(MAX_PRESENCE_STATE_BYTES + 1) });
    expect(tooBig).toThrow(ConfigError);
    expect(tooBig).toThrow(/PRESENCE_STATE_MAX_BYTES.*at most/);
    // 8192 was accepted before, and a state that large could not be stored.
    expect(() => parseConfig({ PRESENCE_STATE_MAX_BYTES: "8192" })).toThrow(/PRESENCE_STATE_MAX_BYTES/);
  });

  it("keeps the whole topic character budget reachable within the count limit", () => {
    expect(MAX_TOPIC_CHARS_PER_CONNECTION).toBeLessThanOrEqual(MAX_TOPICS_PER_CONNECTION * MAX_TOPIC_LENGTH);
  });
});
