import { describe, expect, it } from "vitest";
import { MAX_RPC_MESSAGE_BYTES } from "../../../src/shared/limits";
import { connect, connectV1, waitForFrame } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { readHistory, postMessage } from "../../helpers/http-api";

const WAIT_MS = 30_000;
/**
 * The worst case for an RPC: control characters (6 UTF-16 units each in JSON) in a string that
 * holds one character above U+00FF (2 bytes per unit in a structured clone). UTF-8: 3 + rest.
 */
const worstText = (bytes: number) => "€" + "\u0001".repeat(bytes - 3);

/**
 * Issue 10 item 5 (remainder): in a sharded room every message crosses RPCs. At the largest
 * MAX_MESSAGE_BYTES a sharded room may have, the worst-case message is relayed, stored, replayed
 * and served as a snapshot; HTTP publishes of that size are accepted.
 */
describe("messages at the RPC bound in a sharded room", () => {
  const gateway = useGateway({ MAX_MESSAGE_BYTES: MAX_RPC_MESSAGE_BYTES, ROOM_POLICIES: JSON.stringify([{ match: "wide-*", shards: 2 }]) });

  it("relays and stores a MAX_MESSAGE_BYTES raw text of control characters, and replays two of them on resume", { timeout: 60_000 }, async () => {
    const text = worstText(MAX_RPC_MESSAGE_BYTES);
    expect(Buffer.byteLength(text)).toBe(MAX_RPC_MESSAGE_BYTES);
    const watcher = await connectV1(`${gateway.wsUrl}/rooms/wide-worst`);
    // Raw peers land on random shards; with four, both shards almost surely hold one.
    const peers = await Promise.all([1, 2, 3, 4].map(() => connect(`${gateway.wsUrl}/rooms/wide-worst`)));
    peers[0]!.ws.send(text);
    const frame = await waitForFrame(watcher.client, (f) => f.type === "message", "the relayed message", WAIT_MS);
    expect(frame.data === text).toBe(true);
    for (const peer of peers.slice(1)) expect((await peer.nextMessage("relay to a peer", WAIT_MS)).data === text).toBe(true);
    peers[0]!.ws.send(text.slice(0, -1) + "\u0002");
    await waitForFrame(watcher.client, (f) => f.type === "message" && f.seq === 2, "the second message", WAIT_MS);

    // Two such messages are ~60 MiB as JSON in a clone: the attach replay cannot be one RPC value.
    const resumed = await connectV1(`${gateway.wsUrl}/rooms/wide-worst?since=0&epoch=${watcher.welcome.epoch}`);
    expect(resumed.welcome).toMatchObject({ recovered: true, missed: 2 });
    const replayed = await waitForFrame(resumed.client, (f) => f.type === "message" && f.seq === 2, "replay of seq 2", WAIT_MS);
    expect(replayed.data === text.slice(0, -1) + "\u0002").toBe(true);

    const history = await readHistory(gateway.httpUrl, "wide-worst");
    expect(history.messages[0]!.data === text).toBe(true);
    for (const client of [watcher.client, resumed.client, ...peers]) client.close();
  });

  it("serves a subscriber the snapshots of several large topics at once", { timeout: 60_000 }, async () => {
    // A v1 frame at the limit whose data grows ~8.8× as a clone: `1e20` is 21 digits in JSON.
    const elements = Math.floor((MAX_RPC_MESSAGE_BYTES - 64) / 5);
    const frameFor = (topic: string) => `{"type":"publish","id":"${topic}","topic":"${topic}","data":["€"${",1e20".repeat(elements)}]}`;
    const publisher = await connectV1(`${gateway.wsUrl}/rooms/wide-topics`);
    for (const topic of ["t1", "t2"]) {
      const frame = frameFor(topic);
      expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(MAX_RPC_MESSAGE_BYTES);
      publisher.client.ws.send(frame);
      await waitForFrame(publisher.client, (f) => f.type === "ack" && f.id === topic, `ack of ${topic}`, WAIT_MS);
    }
    const late = await connectV1(`${gateway.wsUrl}/rooms/wide-topics`);
    late.client.ws.send(JSON.stringify({ type: "subscribe", topics: ["t1", "t2"] }));
    for (const topic of ["t1", "t2"]) {
      const snapshot = await waitForFrame(late.client, (f) => f.type === "message" && f.snapshot === true && f.topic === topic, `snapshot of ${topic}`, WAIT_MS);
      expect(snapshot.data).toHaveLength(elements + 1);
    }
    publisher.client.close();
    late.client.close();
  });

  it("accepts an HTTP text/plain publish of MAX_MESSAGE_BYTES control characters into a sharded room", { timeout: 60_000 }, async () => {
    const text = worstText(MAX_RPC_MESSAGE_BYTES);
    const watcher = await connectV1(`${gateway.wsUrl}/rooms/wide-http`);
    const response = await postMessage(gateway.httpUrl, "wide-http", text, { "Content-Type": "text/plain" });
    expect(response.status).toBe(202);
    const frame = await waitForFrame(watcher.client, (f) => f.type === "message", "the HTTP message", WAIT_MS);
    expect(frame.data === text).toBe(true);
    watcher.client.close();
  });
});
