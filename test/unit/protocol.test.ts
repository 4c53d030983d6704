import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_TOKEN_LENGTH } from "../../src/shared/limits";
import { decodeClientFrame, encodeAuth, encodeMessageFrame, rawPayload } from "../../src/shared/protocol";

describe("decodeClientFrame", () => {
  it("decodes each client frame type", () => {
    expect(decodeClientFrame('{"type":"publish","data":{"a":1},"topic":"t","id":"1"}')).toEqual({
      ok: true,
      frame: { type: "publish", data: { a: 1 }, topic: "t", id: "1" },
    });
    expect(decodeClientFrame('{"type":"direct","to":"abc","data":null}')).toMatchObject({ ok: true, frame: { type: "direct", to: "abc", data: null } });
    expect(decodeClientFrame('{"type":"subscribe","topics":["a","b.*"]}')).toMatchObject({ ok: true, frame: { topics: ["a", "b.*"] } });
    expect(decodeClientFrame('{"type":"presence","state":{"x":1}}')).toMatchObject({ ok: true });
    expect(decodeClientFrame('{"type":"ping","id":"p1"}')).toEqual({ ok: true, frame: { type: "ping", id: "p1" } });
  });

  it("decodes an auth frame with its token and optional id", () => {
    expect(decodeClientFrame('{"type":"auth","token":"a.b.c","id":"r1"}')).toEqual({ ok: true, frame: { type: "auth", token: "a.b.c", id: "r1" } });
    expect(decodeClientFrame('{"type":"auth","token":"a.b.c"}')).toEqual({ ok: true, frame: { type: "auth", token: "a.b.c", id: undefined } });
  });

  for (const token of ["missing", 7, null, "", "x".repeat(MAX_TOKEN_LENGTH + 1), ["a.b.c"]]) {
    it(`answers an auth frame whose token is ${JSON.stringify(token).slice(0, 16)} as bad_request (in-band), keeping its id`, () => {
      const text = JSON.stringify({ type: "auth", id: "r1", ...(token === "missing" ? {} : { token }) });
      expect(decodeClientFrame(text)).toMatchObject({ ok: false, kind: "bad_request", id: "r1", reason: expect.stringContaining("token") });
    });
  }

  it("still closes an auth frame with a bad id (1007), like every frame", () => {
    expect(decodeClientFrame('{"type":"auth","token":"a.b.c","id":5}')).toMatchObject({ ok: false, kind: "invalid" });
  });

  it("reports an unknown type as such, not as invalid", () => {
    expect(decodeClientFrame('{"type":"teleport","id":"7"}')).toEqual({ ok: false, kind: "unknown_type", type: "teleport", id: "7" });
  });

  for (const text of ["", "nope", "[]", "1", '"s"', "null", "{}", '{"type":1}', '{"type":"publish"}', '{"type":"subscribe","topics":"a"}', '{"type":"direct","data":1}', '{"type":"ping","id":5}']) {
    it(`calls ${JSON.stringify(text)} invalid`, () => {
      expect(decodeClientFrame(text)).toMatchObject({ ok: false, kind: "invalid" });
    });
  }

  it("never throws on arbitrary text or JSON", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ type: "publish", data: v }))), (text) => {
        const result = decodeClientFrame(text);
        expect(typeof result.ok).toBe("boolean");
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("auth frame encoding (SDK)", () => {
  it("encodes a token refresh that decodes back to the same frame", () => {
    const encoded = encodeAuth("h.p.s", "auth-1");
    expect(encoded.ok && decodeClientFrame(encoded.text)).toEqual({ ok: true, frame: { type: "auth", token: "h.p.s", id: "auth-1" } });
    expect(encodeAuth("", "auth-2")).toMatchObject({ ok: false });
  });
});

describe("message encoding", () => {
  it("builds a frame that parses back to the message", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.option(fc.string({ minLength: 1 }), { nil: undefined }), (data, topic) => {
        const dataJson = JSON.stringify(data);
        const frame = JSON.parse(encodeMessageFrame({ seq: 3, topic, from: "x", dataJson, ts: 9 }));
        expect(frame).toEqual({ type: "message", seq: 3, ...(topic === undefined ? {} : { topic }), from: "x", data: JSON.parse(dataJson), ts: 9 });
      }),
    );
  });

  it("gives raw clients strings as-is and other data as JSON", () => {
    expect(rawPayload(JSON.stringify("hi \"there\""))).toBe('hi "there"');
    expect(rawPayload(JSON.stringify({ a: 1 }))).toBe('{"a":1}');
    expect(rawPayload("42")).toBe("42");
  });
});
