/**
 * @module room-ranges.test
 * Which rooms `GET /rooms?prefix=` may list for a caller (room-ranges.ts) and its page cursor.
 */
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, roomRanges } from "../../../src/operations/room-ranges";

describe("roomRanges", () => {
  it("is the prefix itself for the API key", () => {
    expect(roomRanges("", "all")).toEqual([{ prefix: "" }]);
    expect(roomRanges("chat-", "all")).toEqual([{ prefix: "chat-" }]);
  });

  it("cuts the prefix down to a token's patterns", () => {
    expect(roomRanges("chat-", ["chat-eu-*"])).toEqual([{ prefix: "chat-eu-" }]);
    expect(roomRanges("chat-eu-1", ["chat-*"])).toEqual([{ prefix: "chat-eu-1" }]);
    expect(roomRanges("", ["b-*", "a-1", "a-*", "a-*x", "c"])).toEqual([{ prefix: "a-" }, { prefix: "b-" }, { exact: "c" }]);
    expect(roomRanges("chat-", ["chat-1", "lobby", "chat-2"])).toEqual([{ exact: "chat-1" }, { exact: "chat-2" }]);
    expect(roomRanges("", ["*"])).toEqual([{ prefix: "" }]);
  });

  it("is empty when no pattern can cover a room with the prefix (403)", () => {
    expect(roomRanges("game-", ["chat-*", "lobby"])).toEqual([]);
    expect(roomRanges("chat-", [])).toEqual([]);
  });
});

describe("page cursor", () => {
  it("round-trips a room name and refuses what it did not make", () => {
    for (const room of ["a", "chat-eu:1", "x".repeat(128)]) expect(decodeCursor(encodeCursor(room))).toBe(room);
    expect(decodeCursor("!!")).toBeUndefined();
    expect(decodeCursor(encodeCursor("has space"))).toBeUndefined();
    expect(decodeCursor("")).toBeUndefined();
  });
});
