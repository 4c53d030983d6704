import { beforeAll, describe, expect, it } from "vitest";
import { connect, connectV1, framesOf, settle, waitForFrame, type TestClient } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { mintToken, tokenModeVars } from "../../helpers/tokens";

const SHARDS = 4;
/** With random placement, 12 connections all on one of 4 shards has odds 4^-11. */
const SHARDED_CLIENTS = 12;
const binaryOf = (client: TestClient) => client.received.filter((r) => r.isBinary);

/** Issue 10 item 3: binary frames obey the same publish rights as text, and reach every shard. */
describe("binary frames follow the publish rules", () => {
  const gateway = useGateway({
    ...tokenModeVars,
    ROOM_POLICIES: JSON.stringify([
      { match: "feed-*", clientPublish: false },
      { match: "wide-*", shards: SHARDS },
    ]),
  });
  let everything: string;
  let subscribeOnly: string;
  beforeAll(async () => {
    everything = await mintToken({ sub: "writer" });
    subscribeOnly = await mintToken({ sub: "reader", can: ["subscribe"] });
  });

  const url = (room: string, token: string) => `${gateway.wsUrl}/rooms/${room}?token=${token}`;

  /** `sender` sends binary, then an allowed client sends text: the peer must see the text and no binary. */
  async function expectNoBinaryRelayed(room: string, sender: TestClient, peer: TestClient, marker: () => Promise<void>) {
    sender.ws.send(Buffer.from([1, 2, 3]));
    await marker();
    await waitForFrame(peer, (f) => f.type === "message" && f.data === "marker", `marker in ${room}`);
    expect(binaryOf(peer)).toHaveLength(0);
  }

  it("drops a raw binary frame from a token without publish", async () => {
    const peer = await connectV1(url("bin-raw", everything));
    const sender = await connect(url("bin-raw", subscribeOnly));
    const writer = await connect(url("bin-raw", everything));
    await expectNoBinaryRelayed("bin-raw", sender, peer.client, async () => writer.ws.send("marker"));
    for (const client of [peer.client, sender, writer]) client.close();
  });

  it("answers a v1 binary frame from a token without publish with error forbidden", async () => {
    const peer = await connectV1(url("bin-v1", everything));
    const sender = await connectV1(url("bin-v1", subscribeOnly));
    const writer = await connectV1(url("bin-v1", everything));
    await expectNoBinaryRelayed("bin-v1", sender.client, peer.client, async () => writer.client.ws.send(JSON.stringify({ type: "publish", data: "marker" })));
    expect(await waitForFrame(sender.client, (f) => f.type === "error", "forbidden error")).toMatchObject({ code: "forbidden" });
    expect(sender.client.ws.readyState).toBe(sender.client.ws.OPEN);
    for (const client of [peer.client, sender.client, writer.client]) client.close();
  });

  it("drops raw binary and refuses v1 binary in a clientPublish:false room", async () => {
    const peer = await connectV1(url("feed-bin", everything));
    const raw = await connect(url("feed-bin", everything));
    const v1 = await connectV1(url("feed-bin", everything));
    raw.ws.send(Buffer.from([9]));
    v1.client.ws.send(Buffer.from([8]));
    expect(await waitForFrame(v1.client, (f) => f.type === "error", "forbidden error")).toMatchObject({ code: "forbidden" });
    // The HTTP API still publishes here; its message arriving alone shows nothing binary got through.
    const published = await fetch(`${gateway.httpUrl}/rooms/feed-bin/messages`, {
      method: "POST",
      headers: { Authorization: `Bearer ${tokenModeVars.API_KEY}`, "Content-Type": "application/json" },
      body: JSON.stringify({ data: "marker" }),
    });
    expect(published.status).toBe(202);
    await waitForFrame(peer.client, (f) => f.type === "message" && f.data === "marker", "the API message");
    await settle(100);
    expect(binaryOf(peer.client)).toHaveLength(0);
    expect(binaryOf(v1.client)).toHaveLength(0);
    for (const client of [peer.client, raw, v1.client]) client.close();
  });

  it("relays binary to the connections of every shard of a sharded room, in order", async () => {
    const clients = await Promise.all(Array.from({ length: SHARDED_CLIENTS }, () => connect(url("wide-bin", everything))));
    const info = await (await fetch(`${gateway.httpUrl}/rooms/wide-bin/info`, { headers: { Authorization: `Bearer ${tokenModeVars.API_KEY}` } })).json();
    expect(info.shards.filter((n: number) => n > 0).length).toBeGreaterThan(1);
    const [sender, ...peers] = clients;
    for (let i = 0; i < 5; i++) sender!.ws.send(Buffer.from([i, 255]));
    for (const peer of peers) await peer.waitForCount(5, "five binary frames on every shard");
    for (const peer of peers) expect(binaryOf(peer).map((r) => [...(r.data as Buffer)])).toEqual([0, 1, 2, 3, 4].map((i) => [i, 255]));
    expect(framesOf(sender!)).toHaveLength(0);
    expect(sender!.received).toHaveLength(0);
    for (const client of clients) client.close();
  });
});
