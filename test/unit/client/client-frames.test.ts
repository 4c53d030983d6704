/**
 * @module client-frames.test
 * Frames the SDK sends are checked first: what the room would answer with 1007 (a stop code)
 * fails the one call instead, and what passes decodes as a valid frame on the room's side.
 */
import { describe, expect, it } from "vitest";
import { directFrame, presenceFrame, publishFrame } from "../../../src/client/outbound-frames";
import { decodeClientFrame } from "../../../src/shared/protocol";

describe("client frames", () => {
  it("builds publish, direct and presence frames the room decodes as valid", () => {
    expect(decodeClientFrame(publishFrame({ a: 1 }, "t", "id-1"))).toEqual({ ok: true, frame: { type: "publish", data: { a: 1 }, topic: "t", id: "id-1" } });
    expect(decodeClientFrame(directFrame("c1", null))).toMatchObject({ ok: true, frame: { type: "direct", to: "c1", data: null } });
    expect(decodeClientFrame(presenceFrame(undefined))).toEqual({ ok: true, frame: { type: "presence", state: null } });
  });

  it("refuses data JSON cannot carry with bad_request", () => {
    for (const data of [undefined, () => 1, Symbol("s"), 10n]) {
      expect(() => publishFrame(data, undefined, "id")).toThrow(expect.objectContaining({ code: "bad_request" }));
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => directFrame("c1", cyclic)).toThrow(/cannot be sent as JSON/);
  });

  it("refuses an empty or over-long topic and an empty connection id", () => {
    expect(() => publishFrame(1, "", "id")).toThrow(/topic/);
    expect(() => publishFrame(1, "x".repeat(257), "id")).toThrow(/topic/);
    expect(() => directFrame("", 1)).toThrow(/connection id/);
  });
});
