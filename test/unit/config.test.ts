import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config";
import { DEFAULT_LIMITS } from "../../src/shared/limits";

describe("parseConfig", () => {
  it("applies the documented defaults", () => {
    const config = parseConfig({});
    expect(config.authMode).toBe("token");
    expect(config.allowedOrigins).toBe("*");
    expect(config.limits).toEqual(DEFAULT_LIMITS);
  });

  it("reads strings and numbers alike", () => {
    expect(parseConfig({ MAX_MESSAGE_BYTES: "1024", HISTORY_MAX_MESSAGES: 5 }).limits).toMatchObject({ maxMessageBytes: 1024, historyMaxMessages: 5 });
  });

  for (const [name, value] of [
    ["MAX_MESSAGE_BYTES", "abc"],
    ["MAX_MESSAGE_BYTES", "0"],
    ["MAX_CONNECTIONS_PER_ROOM", "40000"],
    ["RATE_LIMIT_MESSAGES_PER_SECOND", "-1"],
    ["HISTORY_MAX_AGE_SECONDS", "1.5"],
    ["AUTH_MODE", "maybe"],
    ["ALLOWED_ORIGINS", "example.com"],
    ["LOG_LEVEL", "verbose"],
    ["CONNECT_RATE_LIMIT", "maybe"],
  ] as const) {
    it(`rejects ${name}=${value} with an error naming the setting`, () => {
      expect(() => parseConfig({ [name]: value })).toThrow(ConfigError);
      expect(() => parseConfig({ [name]: value })).toThrow(name);
    });
  }

  it("never puts a secret in an error", () => {
    try {
      parseConfig({ API_KEY: 12345, AUTH_MODE: "token" });
    } catch (error) {
      expect(String(error)).not.toContain("12345");
    }
  });
});
