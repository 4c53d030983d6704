import { describe, expect, it } from "vitest";
import { CloseCode, isSendableCloseCode } from "../../src/shared/close-codes";
import { TokenBucket } from "../../src/shared/rate-limiter";
import { isValidRoomName } from "../../src/shared/room-name";
import { acceptsTopic, parseTopicList } from "../../src/shared/topics";
import { truncateUtf8, utf8ByteLength } from "../../src/shared/utf8";
import { closeReplyFor } from "../../src/shared/close-reply";

describe("utf8ByteLength", () => {
  it("counts like TextEncoder for ASCII, two-, three- and four-byte characters", () => {
    for (const text of ["", "abc", "é".repeat(10), "€uro", "🎮x🎮", "\ud800 lone"]) {
      expect(utf8ByteLength(text), text).toBe(new TextEncoder().encode(text).length);
    }
  });

  it("truncates without splitting a character", () => {
    expect(truncateUtf8("éééé", 5)).toBe("éé");
    expect(utf8ByteLength(truncateUtf8("🎮".repeat(40), 123))).toBeLessThanOrEqual(123);
  });
});

describe("isSendableCloseCode", () => {
  it("allows 1000–1003, 1007–1014 and 3000–4999 only", () => {
    for (const code of [1000, 1001, 1002, 1003, 1007, 1011, 1014, 3000, 4001, 4999]) expect(isSendableCloseCode(code), String(code)).toBe(true);
    for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535]) expect(isSendableCloseCode(code), String(code)).toBe(false);
  });
});

describe("closeReplyFor", () => {
  it("echoes valid codes, answers invalid ones with 1002 and skips lost connections", () => {
    expect(closeReplyFor(4321, "bye", true)).toEqual({ kind: "echo", code: 4321, reason: "bye" });
    expect(closeReplyFor(2999, "", true)).toMatchObject({ kind: "echo", code: CloseCode.protocolError });
    expect(closeReplyFor(1005, "", true)).toEqual({ kind: "empty" });
    expect(closeReplyFor(1006, "", false)).toEqual({ kind: "none" });
    expect(closeReplyFor(1006, "", true)).toMatchObject({ code: CloseCode.protocolError });
  });
});

describe("TokenBucket", () => {
  it("allows a burst of 2× the rate, then drops, then asks to close", () => {
    const bucket = new TokenBucket(5, 0);
    const decisions = Array.from({ length: 16 }, () => bucket.take(0));
    expect(decisions.slice(0, 10)).toEqual(Array(10).fill("accept"));
    expect(decisions.slice(10, 15)).toEqual(Array(5).fill("drop"));
    expect(decisions[15]).toBe("close");
  });

  it("refills over time and forgets drops older than 10 s", () => {
    const bucket = new TokenBucket(2, 0);
    for (let i = 0; i < 4; i++) expect(bucket.take(0)).toBe("accept");
    expect(bucket.take(0)).toBe("drop");
    expect(bucket.take(1_000)).toBe("accept");
    expect(bucket.take(1_000)).toBe("accept");
    expect(bucket.take(1_000)).toBe("drop");
    expect(bucket.take(20_000)).toBe("accept");
  });
});

describe("room names and topics", () => {
  it("accepts 1–128 characters of [A-Za-z0-9._:-]", () => {
    expect(isValidRoomName("lobby-1.eu:main_2")).toBe(true);
    expect(isValidRoomName("x".repeat(128))).toBe(true);
    for (const bad of ["", "x".repeat(129), "a b", "../x", "a/b", "🎮"]) expect(isValidRoomName(bad), bad).toBe(false);
  });

  it("matches exact topics and * prefixes", () => {
    expect(acceptsTopic([], undefined)).toBe(true);
    expect(acceptsTopic(["AAPL"], "AAPL")).toBe(true);
    expect(acceptsTopic(["fx.*"], "fx.eurusd")).toBe(true);
    expect(acceptsTopic(["fx.*"], "AAPL")).toBe(false);
    expect(acceptsTopic(["AAPL"], undefined)).toBe(false);
    expect(parseTopicList(" a , b.*,,a ")).toEqual(["a", "b.*"]);
  });
});
