import { describe, expect, it } from "vitest";
import { connect, connectV1, framesOf, waitForFrame } from "../../helpers/clients";
import { useGateway, type OwnGateway } from "../../helpers/use-gateway";

/** Local workerd hibernates a room after ~10 s without events; wait a little longer. */
const HIBERNATE_AFTER_MS = 13_000;

function wakesWithSockets(gateway: OwnGateway, room: string): number {
  return gateway
    .output()
    .split("\n")
    .filter((line) => line.includes('"event":"wake"') && line.includes(`"room":"${room}"`) && !line.includes('"connections":0')).length;
}

describe("room after hibernation", () => {
  const gateway = useGateway({ ROOM_POLICIES: JSON.stringify([{ match: "sleepy-crowd", presenceListMaxMembers: 5 }]) }, { own: true });

  it(
    "keeps identity, subscriptions, echo and presence state when the object wakes",
    async () => {
      const room = "sleepy";
      const alice = await connectV1(`${gateway.wsUrl}/rooms/${room}?user=alice`);
      const bob = await connectV1(`${gateway.wsUrl}/rooms/${room}?user=bob&echo=1`);
      const raw = await connect(`${gateway.wsUrl}/rooms/${room}?topics=fx.*`);
      alice.client.ws.send(JSON.stringify({ type: "subscribe", topics: ["AAPL"] }));
      alice.client.ws.send(JSON.stringify({ type: "presence", state: { seat: 7 } }));
      await waitForFrame(bob.client, (f) => f.updated?.some((m: { state?: unknown }) => m.state !== undefined), "alice's presence update");
      expect(wakesWithSockets(gateway, room)).toBe(0);

      await new Promise((r) => setTimeout(r, HIBERNATE_AFTER_MS));

      bob.client.ws.send(JSON.stringify({ type: "publish", data: "msft", topic: "MSFT", id: "b1" }));
      bob.client.ws.send(JSON.stringify({ type: "publish", data: "apple", topic: "AAPL", id: "b2" }));
      bob.client.ws.send(JSON.stringify({ type: "publish", data: "eur", topic: "fx.eur", id: "b3" }));
      await waitForFrame(bob.client, (f) => f.type === "ack" && f.id === "b3", "bob's third ack");
      await waitForFrame(alice.client, (f) => f.type === "message" && f.data === "apple", "AAPL message at alice");
      await raw.nextMessage("fx message at the raw client");
      // The log line that proves the object really was evicted and woke with sockets attached.
      const deadline = Date.now() + 3_000;
      while (wakesWithSockets(gateway, room) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(wakesWithSockets(gateway, room), gateway.output().split("\n").filter((l) => l.includes("wake")).join("\n")).toBeGreaterThanOrEqual(1);

      // Alice's AAPL subscription survived: she got AAPL and nothing else.
      expect(framesOf(alice.client).filter((f) => f.type === "message").map((f) => f.data)).toEqual(["apple"]);
      // Bob's echo flag survived, and the raw client's ?topics= filter too.
      expect(framesOf(bob.client).filter((f) => f.type === "message").map((f) => f.data)).toEqual(["msft", "apple", "eur"]);
      expect(raw.texts()).toEqual(["eur"]);
      // Identity and presence state survived: a newcomer sees both.
      const late = await connectV1(`${gateway.wsUrl}/rooms/${room}?user=late`);
      expect(late.welcome.members).toContainEqual({ connectionId: alice.welcome.connectionId, userId: "alice", state: { seat: 7 } });
      expect(late.welcome.members).toContainEqual({ connectionId: bob.welcome.connectionId, userId: "bob" });
      // Direct messages still find connections by their tag.
      bob.client.ws.send(JSON.stringify({ type: "direct", to: alice.welcome.connectionId, data: "psst" }));
      expect(await waitForFrame(alice.client, (f) => f.type === "direct", "direct after waking")).toMatchObject({ from: bob.welcome.connectionId, data: "psst" });
      for (const client of [alice.client, bob.client, raw, late.client]) client.close();
    },
    HIBERNATE_AFTER_MS + 20_000,
  );

  it(
    "hibernates a room that counts presence (no count-frame timer keeps it awake) and still counts after waking",
    async () => {
      const room = "sleepy-crowd";
      const crowd = [];
      for (let i = 0; i < 6; i++) crowd.push(await connectV1(`${gateway.wsUrl}/rooms/${room}?user=u${i}`));
      expect(crowd.at(-1)!.welcome).toMatchObject({ presence: "counts", memberCount: 6 });
      await waitForFrame(crowd[0]!.client, (f) => f.presence === "counts" && f.memberCount === 6, "the count frame at 6");
      expect(wakesWithSockets(gateway, room)).toBe(0);

      await new Promise((r) => setTimeout(r, HIBERNATE_AFTER_MS));

      const late = await connectV1(`${gateway.wsUrl}/rooms/${room}?user=late`);
      expect(late.welcome).toMatchObject({ presence: "counts", members: [], memberCount: 7, userCount: 7 });
      await waitForFrame(crowd[0]!.client, (f) => f.presence === "counts" && f.memberCount === 7, "the count frame at 7 after waking");
      expect(wakesWithSockets(gateway, room), gateway.output().split("\n").filter((l) => l.includes("wake")).join("\n")).toBeGreaterThanOrEqual(1);
      for (const client of [...crowd, late]) client.client.close();
    },
    HIBERNATE_AFTER_MS + 20_000,
  );
});
