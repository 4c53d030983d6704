/**
 * @module outbox.test
 * The publish queue on its own: bounded, settled once per ack, resent with the same ids on every
 * new connection, and never sending a frame over the room's size limit.
 */
import { describe, expect, it } from "vitest";
import { Outbox } from "../../../src/client/outbox";
import { RoomClientError } from "../../../src/client/events";

const UNLIMITED = { rateLimitMessagesPerSecond: 1_000_000 };
const settledState = (promise: Promise<unknown>) =>
  Promise.race([promise.then(() => "resolved", () => "rejected"), new Promise((resolve) => setTimeout(() => resolve("pending"), 0))]);

describe("Outbox", () => {
  it("holds publishes while offline and sends them in order once a connection starts", () => {
    const outbox = new Outbox(10);
    const sent: string[] = [];
    void outbox.add("a", "A");
    void outbox.add("b", "B");
    expect(sent).toEqual([]);
    outbox.startConnection(1, (text) => (sent.push(text), true), UNLIMITED);
    expect(sent).toEqual(["A", "B"]);
  });

  it("resends every unacked publish, with its text unchanged, on the next connection", async () => {
    const outbox = new Outbox(10);
    const sent: string[] = [];
    const send = (text: string) => (sent.push(text), true);
    outbox.startConnection(1, send, UNLIMITED);
    const first = outbox.add("a", "A");
    void outbox.add("b", "B");
    expect(outbox.ack("a", 7)).toBe(true);
    expect(await first).toBe(7);
    outbox.stopConnection();
    outbox.startConnection(2, send, UNLIMITED);
    expect(sent).toEqual(["A", "B", "B"]);
  });

  it("settles each publish once: a repeated ack is ignored", async () => {
    const outbox = new Outbox(10);
    const acked = outbox.add("a", "A");
    expect(outbox.ack("a", 3)).toBe(true);
    expect(outbox.ack("a", 3)).toBe(false);
    expect(await acked).toBe(3);
    expect(outbox.size).toBe(0);
  });

  it("refuses a publish over maxQueuedMessages with queue_full", async () => {
    const outbox = new Outbox(2);
    void outbox.add("a", "A");
    void outbox.add("b", "B");
    await expect(outbox.add("c", "C")).rejects.toMatchObject({ code: "queue_full" });
    expect(outbox.size).toBe(2);
  });

  it("refuses a frame over the room's maxMessageBytes without sending it", async () => {
    const outbox = new Outbox(10);
    const sent: string[] = [];
    outbox.startConnection(1, (text) => (sent.push(text), true), { ...UNLIMITED, maxMessageBytes: 4 });
    await expect(outbox.add("big", "é".repeat(3))).rejects.toMatchObject({ code: "message_too_big" });
    expect(sent).toEqual([]);
  });

  it("after 1009 drops the largest publish sent on that connection and keeps the rest", async () => {
    const outbox = new Outbox(10);
    outbox.startConnection(1, () => true, UNLIMITED);
    const small = outbox.add("s", "x");
    const large = outbox.add("l", "x".repeat(100));
    outbox.dropLargestSentOn(1);
    await expect(large).rejects.toMatchObject({ code: "message_too_big" });
    expect(await settledState(small)).toBe("pending");
  });

  it("paces a backlog under the room's rate: the burst goes at once, the rest waits", () => {
    const outbox = new Outbox(100);
    const sent: string[] = [];
    for (let i = 0; i < 50; i++) void outbox.add(`m${i}`, `M${i}`);
    // 10/s → 8/s for publishes, burst 2× → 16 at once.
    outbox.startConnection(1, (text) => (sent.push(text), true), { rateLimitMessagesPerSecond: 10 });
    expect(sent).toHaveLength(16);
    outbox.stopConnection();
  });

  it("rejects everything pending when closed for good", async () => {
    const outbox = new Outbox(10);
    const pending = outbox.add("a", "A");
    outbox.rejectAll(new RoomClientError("closed", "closed"));
    await expect(pending).rejects.toMatchObject({ code: "closed", id: "a" });
  });
});
