/**
 * @module placement.test
 * ROOM_POLICIES `jurisdiction` and `locationHint` (docs/protocol.md §8) reach every object of a
 * room: the room itself and each shard report their placement in `GET /rooms/:room/info`, and
 * every path to the room (WebSocket, HTTP API, batch publish, SSE, SockJS websocket and xhr,
 * STOMP, a sharded room's primary to its shards) reaches the same placed objects — a path that
 * skipped the placement would reach another object (as it would on Cloudflare, where the same
 * name gives another id in each jurisdiction) and miss the room's messages. Bad values stop
 * the gateway at start, naming the field.
 */
import { describe, expect, it } from "vitest";
import { connectV1, waitForFrame, type TestClient } from "../../helpers/clients";
import { refusedStart } from "../../helpers/gateway";
import { publishBatch, publishHttp, readHistory } from "../../helpers/http-api";
import { openSockjs } from "../../helpers/sockjs-client";
import { useSseStreams } from "../../helpers/sse-client";
import { connectStomp, subscribeWithReceipt } from "../../helpers/stomp-client";
import { useGateway } from "../../helpers/use-gateway";

const SHARDS = 4;
const POLICIES = [
  { match: "place-eu-sharded-*", jurisdiction: "eu", locationHint: "weur", shards: SHARDS },
  { match: "place-eu-*", jurisdiction: "eu", locationHint: "weur" },
  { match: "place-fed-*", jurisdiction: "fedramp" },
  { match: "place-hint-*", locationHint: "apac" },
];

describe("placement per room policy", () => {
  const gateway = useGateway({ ROOM_POLICIES: JSON.stringify(POLICIES) });
  const openSse = useSseStreams(gateway);
  const info = async (room: string) => (await fetch(`${gateway.httpUrl}/rooms/${room}/info`)).json();

  it("each room reports the jurisdiction of its object and the hint it was placed with", async () => {
    expect((await info("place-eu-one")).placement).toEqual({ jurisdiction: "eu", locationHint: "weur" });
    expect((await info("place-fed-one")).placement).toEqual({ jurisdiction: "fedramp", locationHint: null });
    expect((await info("place-hint-one")).placement).toEqual({ jurisdiction: null, locationHint: "apac" });
    expect((await info("place-plain")).placement).toEqual({ jurisdiction: null, locationHint: null });
  });

  it("every path reaches the same placed object: WebSocket, SSE, SockJS, STOMP, HTTP and batch publish", async () => {
    const room = "place-eu-paths";
    const { client: ws } = await connectV1(`${gateway.wsUrl}/rooms/${room}`);
    const sse = await openSse(room);
    await sse.waitFor((event) => event.event === "welcome", "SSE welcome");
    const sockjsWs = await openSockjs(`${gateway.httpUrl}/sockjs/${room}`, "websocket");
    const sockjsXhr = await openSockjs(`${gateway.httpUrl}/sockjs/${room}`, "xhr-polling");
    const stomp = await connectStomp(`${gateway.wsUrl}/rooms/${room}`);
    await subscribeWithReceipt(stomp, "/topic/news", "sub-news");
    expect((await info(room)).connections).toBe(5);

    const seq = await publishHttp(gateway.httpUrl, room, "via http", "news");
    const [batch] = await publishBatch(gateway.httpUrl, [{ room, data: "via batch", topic: "news" }]);
    expect(batch).toMatchObject({ seq: seq + 1 });
    await waitForFrame(ws, (frame) => frame.type === "message" && frame.data === "via batch", "WebSocket got both");
    await sse.waitFor((event) => event.id === String(seq + 1), "SSE got both");
    await sockjsWs.waitForMessage("via batch");
    await sockjsXhr.waitForMessage("via batch");
    await stomp.waitForMessages(2, "STOMP got both");
    expect((await readHistory(gateway.httpUrl, room)).messages.map((m) => m.data)).toEqual(["via http", "via batch"]);

    ws.close();
    sockjsWs.sock.close();
    sockjsXhr.sock.close();
    await stomp.client.deactivate();
  });

  it("a sharded room: the primary and every shard are placed, and each connection is on a placed shard", async () => {
    const room = "place-eu-sharded-a";
    const clients: TestClient[] = [];
    for (let i = 0; i < 12; i++) clients.push((await connectV1(`${gateway.wsUrl}/rooms/${room}`)).client);
    const roomInfo = await info(room);
    expect(roomInfo.placement).toEqual({ jurisdiction: "eu", locationHint: "weur" });
    expect(roomInfo.shardPlacements).toEqual(Array.from({ length: SHARDS }, () => ({ jurisdiction: "eu", locationHint: "weur" })));
    expect(roomInfo.connections).toBe(clients.length);

    // Messages reach each connection only through the primary's fan-out to the placed shards.
    await publishHttp(gateway.httpUrl, room, "to every shard");
    for (const client of clients) await waitForFrame(client, (frame) => frame.type === "message" && frame.data === "to every shard", "message on every shard");
    // A kick goes primary → the connection's placed shard: a connection on an unplaced object would be 404.
    for (const member of roomInfo.members as Array<{ connectionId: string }>) {
      const kicked = await fetch(`${gateway.httpUrl}/rooms/${room}/connections/${member.connectionId}`, { method: "DELETE" });
      expect(kicked.status).toBe(200);
    }
  });
});

describe("invalid placement settings", () => {
  it("stop the gateway at start, naming the policy field", async () => {
    const failure = await refusedStart({ vars: { ROOM_POLICIES: JSON.stringify([{ match: "eu-*", jurisdiction: "mars" }]) } });
    expect(failure).toMatch(/exited with 1 before serving/);
    expect(failure).toContain("ROOM_POLICIES[0].jurisdiction");
    expect(failure).not.toMatch(/Ready on/);
  });
});
