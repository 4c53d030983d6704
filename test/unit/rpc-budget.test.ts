import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config";
import { messageStream, readMessageStream } from "../../src/room/message-stream";
import type { StoredMessage } from "../../src/shared/protocol";
import { MAX_RPC_MESSAGE_BYTES } from "../../src/shared/limits";
import { RPC_BYTES_PER_MESSAGE_BYTE, RPC_MAX_BYTES, maxHttpPublishBytes, rpcSizedRuns } from "../../src/shared/rpc-budget";

const sharded = JSON.stringify([{ match: "wide-*", shards: 2 }]);

/** Issue 10 item 5 (remainder): nothing MAX_MESSAGE_BYTES allows may outgrow a 32 MiB RPC. */
describe("RPC budget", () => {
  it("leaves room in one RPC for the worst-case growth of the largest RPC message", () => {
    expect(MAX_RPC_MESSAGE_BYTES * RPC_BYTES_PER_MESSAGE_BYTE).toBeLessThanOrEqual(RPC_MAX_BYTES - 2 * 1024 * 1024);
    // The worst case itself: control characters in a two-byte string, as JSON.
    const text = "€" + "\u0001".repeat(1000);
    expect(JSON.stringify(text).length * 2).toBeLessThanOrEqual(RPC_BYTES_PER_MESSAGE_BYTE * Buffer.byteLength(text));
  });

  it("refuses a MAX_MESSAGE_BYTES over the bound when ROOM_POLICIES shards a room, naming the setting", () => {
    expect(() => parseConfig({ MAX_MESSAGE_BYTES: MAX_RPC_MESSAGE_BYTES + 1, ROOM_POLICIES: sharded })).toThrow(ConfigError);
    expect(() => parseConfig({ MAX_MESSAGE_BYTES: MAX_RPC_MESSAGE_BYTES + 1, ROOM_POLICIES: sharded })).toThrow(/^MAX_MESSAGE_BYTES: .*wide-\*/);
    expect(parseConfig({ MAX_MESSAGE_BYTES: MAX_RPC_MESSAGE_BYTES, ROOM_POLICIES: sharded }).limits.maxMessageBytes).toBe(MAX_RPC_MESSAGE_BYTES);
  });

  it("keeps the platform ceiling for unsharded rooms", () => {
    expect(parseConfig({ MAX_MESSAGE_BYTES: 32 * 1024 * 1024 }).limits.maxMessageBytes).toBe(32 * 1024 * 1024);
    expect(parseConfig({ MAX_MESSAGE_BYTES: 32 * 1024 * 1024, ROOM_POLICIES: JSON.stringify([{ match: "a-*", shards: 1 }]) }).limits.maxMessageBytes).toBe(32 * 1024 * 1024);
  });

  it("caps an HTTP publish at the bound, below it at MAX_MESSAGE_BYTES", () => {
    expect(maxHttpPublishBytes({ maxMessageBytes: 32 * 1024 * 1024 })).toBe(MAX_RPC_MESSAGE_BYTES);
    expect(maxHttpPublishBytes({ maxMessageBytes: 1000 })).toBe(1000);
  });
});

describe("message-stream", () => {
  const messages: StoredMessage[] = [
    { seq: 1, from: "a", dataJson: JSON.stringify("line\nbreak \u0001 😀 é"), ts: 10 },
    { seq: 2, from: "b", topic: "t", dataJson: JSON.stringify({ x: [1, "\n"] }), ts: 11 },
    { seq: 3, from: "c", dataJson: JSON.stringify("😀".repeat(100_000)), ts: 12 },
  ];

  it("carries stored messages through a byte stream exactly", async () => {
    expect(await readMessageStream(messageStream(messages))).toEqual(messages);
    expect(await readMessageStream(messageStream([]))).toEqual([]);
  });

  it("refuses a stream cut inside a message", async () => {
    const cut = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"seq":1,"from":"a","ts":1}\n"unterminated'));
        controller.close();
      },
    });
    await expect(readMessageStream(cut)).rejects.toThrow(/inside a message/);
  });
});

describe("rpcSizedRuns", () => {
  it("keeps small entries in one run and splits large ones so no run exceeds the budget, in order", () => {
    const small = Array.from({ length: 100 }, (_, index) => ({ index, bytes: 1_000 }));
    expect(rpcSizedRuns(small, (item) => item.bytes)).toHaveLength(1);

    const large = Array.from({ length: 5 }, (_, index) => ({ index, bytes: MAX_RPC_MESSAGE_BYTES * 0.6 }));
    const runs = rpcSizedRuns(large, (item) => item.bytes);
    expect(runs.map((run) => run.length)).toEqual([1, 1, 1, 1, 1]);
    for (const run of runs) expect(run.reduce((sum, item) => sum + item.bytes, 0) * RPC_BYTES_PER_MESSAGE_BYTE).toBeLessThan(RPC_MAX_BYTES);
    expect(runs.flat().map((item) => item.index)).toEqual([0, 1, 2, 3, 4]);
  });
});
