import { describe, expect, it } from "vitest";
import { CloseCode } from "../../../src/shared/close-codes";
import { connect, expectClose, settle } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";

const IN_ORDER_COUNT = 1_000;

describe("raw relay end to end (ws clients)", () => {
  const gateway = useGateway({ RATE_LIMIT_MESSAGES_PER_SECOND: 100_000 });
  // The default rate limit (50/s, burst 100) would drop a 1,000-message burst by design.

  it("relays text and binary to the other connections but not back to the sender", async () => {
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => connect(`${gateway.wsUrl}/rooms/relay`)));
    a!.ws.send("hello");
    a!.ws.send(Buffer.from([0, 1, 2, 255]));
    for (const peer of [b!, c!]) {
      const text = await peer.nextMessage("text relay");
      expect(text).toEqual({ data: "hello", isBinary: false });
      const binary = await peer.nextMessage("binary relay");
      expect(binary.isBinary).toBe(true);
      expect([...(binary.data as Buffer)]).toEqual([0, 1, 2, 255]);
    }
    await settle(200);
    expect(a!.received).toHaveLength(0);
    for (const client of [a!, b!, c!]) client.close();
  });

  it("echoes a connection's own frames with ?echo=1, in room order", async () => {
    const echoing = await connect(`${gateway.wsUrl}/rooms/echo?echo=1`);
    const other = await connect(`${gateway.wsUrl}/rooms/echo`);
    const observer = await connect(`${gateway.wsUrl}/rooms/echo`);
    for (let i = 0; i < 20; i++) {
      echoing.ws.send(`echoing-${i}`);
      other.ws.send(`other-${i}`);
    }
    await echoing.waitForCount(40, "own frames echoed among the other's");
    await observer.waitForCount(40, "every frame at the observer");
    // The observer sees the room's order; the echoing client must see the very same order.
    expect(echoing.texts()).toEqual(observer.texts());
    expect(other.texts()).toEqual(observer.texts().filter((text) => text.startsWith("echoing-")));
    for (const client of [echoing, other, observer]) client.close();
  });

  it("keeps rooms isolated", async () => {
    const inA = await connect(`${gateway.wsUrl}/rooms/iso-a`);
    const inB = await connect(`${gateway.wsUrl}/rooms/iso-b`);
    const senderA = await connect(`${gateway.wsUrl}/rooms/iso-a`);
    senderA.ws.send("only for a");
    expect((await inA.nextMessage("message in room a")).data).toBe("only for a");
    await settle(200);
    expect(inB.received).toHaveLength(0);
    for (const client of [inA, inB, senderA]) client.close();
  });

  it(`delivers ${IN_ORDER_COUNT} messages in order`, async () => {
    const receiver = await connect(`${gateway.wsUrl}/rooms/ordered`);
    const sender = await connect(`${gateway.wsUrl}/rooms/ordered`);
    for (let i = 0; i < IN_ORDER_COUNT; i++) sender.ws.send(`m${i}`);
    await receiver.waitForCount(IN_ORDER_COUNT, `${IN_ORDER_COUNT} in-order messages`, 20_000);
    expect(receiver.texts()).toEqual(Array.from({ length: IN_ORDER_COUNT }, (_, i) => `m${i}`));
    receiver.close();
    sender.close();
  });

  it("completes a clean close handshake", async () => {
    const client = await connect(`${gateway.wsUrl}/rooms/clean-close`);
    const started = Date.now();
    client.close(1000, "done");
    const close = await expectClose(client, "clean close");
    expect(close).toEqual({ code: 1000, reason: "done" });
    // A missing answer shows up as 1006 after the runtime's ~10 s timeout.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("passes a message of exactly 65,536 bytes and closes 66,000 bytes of two-byte characters with 1009", async () => {
    const sender = await connect(`${gateway.wsUrl}/rooms/limits`);
    const receiver = await connect(`${gateway.wsUrl}/rooms/limits`);
    const atLimit = "x".repeat(65_536);
    sender.ws.send(atLimit);
    expect(((await receiver.nextMessage("the 65,536-byte message")).data as string).length).toBe(65_536);
    sender.ws.send("é".repeat(33_000));
    expect((await expectClose(sender, "after 66,000 bytes")).code).toBe(CloseCode.messageTooBig);
    expect(receiver.received).toHaveLength(1);
    receiver.close();
  });

  it("answers the text heartbeat ping with pong", async () => {
    const client = await connect(`${gateway.wsUrl}/rooms/heartbeat`);
    const peer = await connect(`${gateway.wsUrl}/rooms/heartbeat`);
    client.ws.send("ping");
    expect((await client.nextMessage("pong")).data).toBe("pong");
    await settle(100);
    expect(peer.received).toHaveLength(0);
    client.close();
    peer.close();
  });
});
