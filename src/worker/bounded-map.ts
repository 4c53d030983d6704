/**
 * @module bounded-map
 * Running one async call per item with at most `concurrency` in flight, results in item order:
 * for fan-outs from one request (admin drain), so thousands of rooms are neither called one by
 * one nor all at once. Runtime-free (unit-tested). `call` must not throw: each caller turns its
 * own failures into a result (a rejection here would leave the other calls running unobserved).
 */
export async function boundedMap<T, R>(items: readonly T[], concurrency: number, call: (item: T) => Promise<R>): Promise<R[]> {
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) throw new RangeError(`concurrency must be a whole number ≥ 1, got ${concurrency}`);
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await call(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
