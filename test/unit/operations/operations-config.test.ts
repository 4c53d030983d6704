/**
 * @module operations-config.test
 * The operations settings: defaults, every bad value refused with the setting named, and the
 * retry backoff.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../../src/config";
import { MAX_WEBHOOK_RETRY_DELAY_SECONDS, webhookRetryDelaySeconds } from "../../../src/operations/operations-config";

function settingOf(vars: Record<string, string>): string | undefined {
  try {
    parseConfig(vars);
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error.setting;
    throw error;
  }
}

describe("operations settings", () => {
  it("defaults: webhooks off, all kinds, a 60 s check", () => {
    const { operations } = parseConfig({});
    expect(operations).toMatchObject({ webhookUrl: undefined, webhookSecret: undefined, occupancyCheckSeconds: 60, webhookRetrySeconds: 5 });
    expect([...operations.webhookEvents].sort()).toEqual(["member_added", "member_removed", "room_occupied", "room_vacated"]);
  });

  it("reads a webhook configuration", () => {
    const { operations } = parseConfig({ WEBHOOK_URL: "https://hooks.example.com/rc", WEBHOOK_SECRET: "s", WEBHOOK_EVENTS: "room_occupied, room_vacated", OCCUPANCY_CHECK_SECONDS: "5" });
    expect(operations.webhookUrl).toBe("https://hooks.example.com/rc");
    expect([...operations.webhookEvents]).toEqual(["room_occupied", "room_vacated"]);
    expect(operations.occupancyCheckSeconds).toBe(5);
  });

  it("names the setting of every bad value", () => {
    expect(settingOf({ WEBHOOK_URL: "ftp://x" })).toBe("WEBHOOK_URL");
    expect(settingOf({ WEBHOOK_URL: "not a url" })).toBe("WEBHOOK_URL");
    expect(settingOf({ WEBHOOK_URL: "https://x.example" })).toBe("WEBHOOK_SECRET");
    expect(settingOf({ WEBHOOK_EVENTS: "room_occupied,room_exploded" })).toBe("WEBHOOK_EVENTS");
    expect(settingOf({ WEBHOOK_EVENTS: " , " })).toBe("WEBHOOK_EVENTS");
    expect(settingOf({ OCCUPANCY_CHECK_SECONDS: "0" })).toBe("OCCUPANCY_CHECK_SECONDS");
    expect(settingOf({ OCCUPANCY_CHECK_SECONDS: "3601" })).toBe("OCCUPANCY_CHECK_SECONDS");
    expect(settingOf({ WEBHOOK_RETRY_SECONDS: "-1" })).toBe("WEBHOOK_RETRY_SECONDS");
  });

  it("never echoes the webhook secret", () => {
    try {
      parseConfig({ WEBHOOK_URL: "nope", WEBHOOK_SECRET: "s3cr3t-value" });
    } catch (error) {
      expect(String(error)).not.toContain("s3cr3t-value");
    }
  });

  it("doubles the retry delay per attempt, capped", () => {
    expect([1, 2, 3, 4].map((attempts) => webhookRetryDelaySeconds(5, attempts))).toEqual([5, 10, 20, 40]);
    expect(webhookRetryDelaySeconds(5, 30)).toBe(MAX_WEBHOOK_RETRY_DELAY_SECONDS);
    expect(webhookRetryDelaySeconds(0, 7)).toBe(0);
  });
});
