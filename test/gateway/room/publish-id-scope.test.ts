import { describe, expect, it } from "vitest";
import { connectV1, framesOf, waitForFrame, type Frame, type TestClient } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";

const messagesOf = (client: TestClient) => framesOf(client).filter((f) => f.type === "message");
const ackOf = (client: TestClient, id: string) => waitForFrame(client, (f) => f.type === "ack" && f.id === id, `ack ${id}`);

/** Issue 10 item 1: publish ids are scoped per user, else per connection, never shared by all anonymous clients. */
describe("publish id scope", () => {
  const gateway = useGateway({ ROOM_POLICIES: JSON.stringify([{ match: "sharded-*", shards: 2 }]) });

  for (const room of ["ids-anon", "sharded-ids-anon"]) {
    it(`keeps two anonymous connections' equal ids apart (${room})`, async () => {
      const watcher = await connectV1(`${gateway.wsUrl}/rooms/${room}`);
      const first = await connectV1(`${gateway.wsUrl}/rooms/${room}`);
      const second = await connectV1(`${gateway.wsUrl}/rooms/${room}`);
      first.client.ws.send(JSON.stringify({ type: "publish", data: "from first", id: "c1-1" }));
      const firstAck = await ackOf(first.client, "c1-1");
      second.client.ws.send(JSON.stringify({ type: "publish", data: "from second", id: "c1-1" }));
      const secondAck = await ackOf(second.client, "c1-1");
      expect(secondAck.seq).not.toBe(firstAck.seq);
      await waitForFrame(watcher.client, () => messagesOf(watcher.client).length >= 2, "both messages delivered");
      expect(messagesOf(watcher.client).map((m: Frame) => [m.seq, m.data])).toEqual([
        [firstAck.seq, "from first"],
        [secondAck.seq, "from second"],
      ]);
      for (const { client } of [watcher, first, second]) client.close();
    });

    it(`answers an anonymous client's resend on a new connection with the first seq when it sends its secret scope (${room})`, async () => {
      const watcher = await connectV1(`${gateway.wsUrl}/rooms/${room}-scope`);
      const scope = "0f9c2a8e-5b1d-4e7a-9c3f-2d6b8a1e4f70";
      const first = await connectV1(`${gateway.wsUrl}/rooms/${room}-scope?scope=${scope}`);
      first.client.ws.send(JSON.stringify({ type: "publish", data: "once", id: "c1-1" }));
      const firstAck = await ackOf(first.client, "c1-1");
      first.client.close();
      const resent = await connectV1(`${gateway.wsUrl}/rooms/${room}-scope?scope=${scope}`);
      resent.client.ws.send(JSON.stringify({ type: "publish", data: "once", id: "c1-1" }));
      expect((await ackOf(resent.client, "c1-1")).seq).toBe(firstAck.seq);
      // Another anonymous client (no scope, or its own) with the same id is published.
      const other = await connectV1(`${gateway.wsUrl}/rooms/${room}-scope?scope=${scope.replace("0f9c", "aaaa")}`);
      other.client.ws.send(JSON.stringify({ type: "publish", data: "other", id: "c1-1" }));
      expect((await ackOf(other.client, "c1-1")).seq).not.toBe(firstAck.seq);
      await waitForFrame(watcher.client, (f) => f.type === "message" && f.data === "other", "the other client's message");
      expect(messagesOf(watcher.client).map((m: Frame) => m.data)).toEqual(["once", "other"]);
      for (const { client } of [watcher, resent, other]) client.close();
    });

    it(`still answers a user's repeated id with the first seq, from any of that user's connections (${room})`, async () => {
      const watcher = await connectV1(`${gateway.wsUrl}/rooms/${room}-user`);
      const first = await connectV1(`${gateway.wsUrl}/rooms/${room}-user?user=ann`);
      const again = await connectV1(`${gateway.wsUrl}/rooms/${room}-user?user=ann`);
      first.client.ws.send(JSON.stringify({ type: "publish", data: "once", id: "m-1" }));
      const firstAck = await ackOf(first.client, "m-1");
      again.client.ws.send(JSON.stringify({ type: "publish", data: "once", id: "m-1" }));
      expect((await ackOf(again.client, "m-1")).seq).toBe(firstAck.seq);
      // A later publish proves the repeat was not delivered in between.
      again.client.ws.send(JSON.stringify({ type: "publish", data: "next", id: "m-2" }));
      await waitForFrame(watcher.client, (f) => f.type === "message" && f.data === "next", "the next message");
      expect(messagesOf(watcher.client).map((m: Frame) => m.data)).toEqual(["once", "next"]);
      for (const { client } of [watcher, first, again]) client.close();
    });
  }
});
