import { describe, expect, it } from "vitest";
import { closeFrame, eventSourceFrame, isSessionPart, messagesFrame, parseClientPayload, rawText } from "../../../src/transports/sockjs/framing";

describe("SockJS framing", () => {
  it("frames messages as a JSON array and closes as [code, reason]", () => {
    expect(messagesFrame(["a", 'b"c'])).toBe('a["a","b\\"c"]');
    expect(closeFrame(4009, "kicked")).toBe('c[4009,"kicked"]');
  });

  it("escapes the characters browsers mangle", () => {
    expect(messagesFrame(["\u2028\u200c\ufff0"])).toBe('a["\\u2028\\u200c\\ufff0"]');
  });

  it("escapes % for eventsource, since sockjs-client decodeURIs each event", () => {
    const frame = eventSourceFrame(messagesFrame(["100%"]));
    expect(frame).toBe('data: a["100%25"]\r\n\r\n');
    expect(decodeURI(frame.slice("data: ".length, -4))).toBe('a["100%"]');
  });

  it("reads a JSON array of strings or one JSON string, and nothing else", () => {
    expect(parseClientPayload('["a","b"]')).toEqual({ ok: true, messages: ["a", "b"] });
    expect(parseClientPayload('"a"')).toEqual({ ok: true, messages: ["a"] });
    expect(parseClientPayload("")).toEqual({ ok: true, messages: [] });
    for (const broken of ['["a', "[1]", "{}", "null"]) expect(parseClientPayload(broken)).toEqual({ ok: false, message: "Broken JSON encoding." });
  });

  it("accepts any non-empty session path part without dots or slashes", () => {
    expect(["000", "abcdefgh_i-j%20", "_"].every(isSessionPart)).toBe(true);
    expect(["", "a.b", "a/b", "x".repeat(65)].some(isSessionPart)).toBe(false);
  });

  it("delivers string data as-is and other data as JSON text, as raw mode does", () => {
    expect(rawText("hi")).toBe("hi");
    expect(rawText({ a: 1 })).toBe('{"a":1}');
  });
});
