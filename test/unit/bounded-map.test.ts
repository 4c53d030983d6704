/**
 * @module bounded-map.test
 * `boundedMap` (POST /admin/drain's fan-out to rooms): results in item order, never more than
 * `concurrency` calls in flight, every item called once.
 */
import { describe, expect, it } from "vitest";
import { boundedMap } from "../../src/worker/bounded-map";

describe("boundedMap", () => {
  it("keeps at most `concurrency` calls in flight and answers in item order", async () => {
    let inFlight = 0;
    let most = 0;
    const items = Array.from({ length: 50 }, (_, i) => i);
    const results = await boundedMap(items, 4, async (item) => {
      inFlight++;
      most = Math.max(most, inFlight);
      // Later items finish first, so order comes from the index, not from completion.
      await new Promise((resolve) => setTimeout(resolve, (50 - item) % 7));
      inFlight--;
      return item * 2;
    });
    expect(results).toEqual(items.map((item) => item * 2));
    expect(most).toBe(4);
  });

  it("handles no items and fewer items than the bound", async () => {
    expect(await boundedMap([], 16, async (item: number) => item)).toEqual([]);
    expect(await boundedMap([1, 2], 16, async (item) => item + 1)).toEqual([2, 3]);
  });

  it("refuses a bound that is not a whole number ≥ 1", async () => {
    await expect(boundedMap([1], 0, async (item) => item)).rejects.toThrow(RangeError);
  });
});
