import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { MAX_CHUNK_UNITS, splitText } from "../../src/room/text-chunks";

describe("splitText", () => {
  it("keeps a short text in one part", () => {
    expect(splitText("")).toEqual([""]);
    expect(splitText("abc")).toEqual(["abc"]);
  });

  it("never splits a surrogate pair and joins back to the input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), fc.integer({ min: 2, max: 9 }), (text, maxUnits) => {
        const parts = splitText(text, maxUnits);
        expect(parts.join("")).toBe(text);
        for (const part of parts) {
          expect(part.length).toBeLessThanOrEqual(maxUnits);
          if (text !== "") expect(part.length).toBeGreaterThan(0);
          const last = part.charCodeAt(part.length - 1);
          if (part !== parts[parts.length - 1]) expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
        }
      }),
    );
  });

  it("keeps every part under 1 MiB of UTF-8 with the default size", () => {
    expect(MAX_CHUNK_UNITS * 3).toBeLessThan(1024 * 1024);
    const parts = splitText("€".repeat(MAX_CHUNK_UNITS + 5));
    expect(parts.map((p) => Buffer.byteLength(p))).toEqual([MAX_CHUNK_UNITS * 3, 15]);
  });
});
