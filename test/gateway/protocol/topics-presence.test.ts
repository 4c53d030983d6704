import { describe, expect, it } from "vitest";
import { connect, connectV1, framesOf, settle, waitForFrame, type Frame } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { publishHttp } from "../../helpers/http-api";
import { rawUpgrade } from "../../helpers/raw-socket";

const messages = (frames: Frame[]) => frames.filter((f) => f.type === "message");

describe("topics", () => {
  const gateway = useGateway();

  it("filters by ?topics= at connect for raw and v1 connections, with * prefixes", async () => {
    const raw = await connect(`${gateway.wsUrl}/rooms/filters?topics=AAPL,fx.*`);
    const v1 = await connectV1(`${gateway.wsUrl}/rooms/filters?topics=fx.*`);
    await publishHttp(gateway.httpUrl, "filters", "apple", "AAPL");
    await publishHttp(gateway.httpUrl, "filters", "msft", "MSFT");
    await publishHttp(gateway.httpUrl, "filters", "eur", "fx.eurusd");
    await publishHttp(gateway.httpUrl, "filters", "untopiced");
    await raw.waitForCount(2, "AAPL and fx.eurusd at the raw client");
    await waitForFrame(v1.client, (f) => f.type === "message", "fx message at the v1 client");
    await settle(150);
    expect(raw.texts()).toEqual(["apple", "eur"]);
    expect(messages(framesOf(v1.client)).map((m) => m.data)).toEqual(["eur"]);
    raw.close();
    v1.client.close();
  });

  it("subscribes and unsubscribes, sending the newest message of each matching topic as a snapshot", async () => {
    await publishHttp(gateway.httpUrl, "snap", 100, "AAPL");
    await publishHttp(gateway.httpUrl, "snap", 101, "AAPL");
    await publishHttp(gateway.httpUrl, "snap", 1.1, "fx.eurusd");
    await publishHttp(gateway.httpUrl, "snap", 1.3, "fx.gbpusd");
    await publishHttp(gateway.httpUrl, "snap", 7, "MSFT");
    const { client } = await connectV1(`${gateway.wsUrl}/rooms/snap`);
    client.ws.send(JSON.stringify({ type: "subscribe", topics: ["AAPL", "fx.*"] }));
    await waitForFrame(client, (f) => f.type === "message" && f.topic === "fx.gbpusd", "snapshots");
    const snapshots = messages(framesOf(client));
    expect(snapshots.map((m) => [m.topic, m.data, m.snapshot])).toEqual([
      ["AAPL", 101, true],
      ["fx.eurusd", 1.1, true],
      ["fx.gbpusd", 1.3, true],
    ]);
    await publishHttp(gateway.httpUrl, "snap", 8, "MSFT");
    await publishHttp(gateway.httpUrl, "snap", 102, "AAPL");
    await waitForFrame(client, (f) => f.type === "message" && f.data === 102, "live AAPL");
    client.ws.send(JSON.stringify({ type: "unsubscribe", topics: ["AAPL"] }));
    client.ws.send(JSON.stringify({ type: "ping", id: "sync" }));
    await waitForFrame(client, (f) => f.type === "pong", "pong after unsubscribe");
    await publishHttp(gateway.httpUrl, "snap", 103, "AAPL");
    await publishHttp(gateway.httpUrl, "snap", 1.2, "fx.eurusd");
    await waitForFrame(client, (f) => f.type === "message" && f.data === 1.2, "live fx after unsubscribe");
    const live = messages(framesOf(client)).filter((m) => !m.snapshot);
    expect(live.map((m) => m.data)).toEqual([102, 1.2]);
    expect(live.every((m) => m.snapshot === undefined)).toBe(true);
    client.close();
  });
});

describe("presence", () => {
  const gateway = useGateway({ PRESENCE_STATE_MAX_BYTES: 64 });

  it("announces joined, updated and left in batched presence frames", async () => {
    const watcher = await connectV1(`${gateway.wsUrl}/rooms/lobby?user=watcher`);
    const alice = await connectV1(`${gateway.wsUrl}/rooms/lobby?user=alice`);
    const joined = await waitForFrame(watcher.client, (f) => f.type === "presence" && f.joined?.some((m: Frame) => m.userId === "alice"), "alice joined");
    expect(joined.joined).toContainEqual({ connectionId: alice.welcome.connectionId, userId: "alice" });
    alice.client.ws.send(JSON.stringify({ type: "presence", state: { seat: 3 } }));
    const updated = await waitForFrame(watcher.client, (f) => f.type === "presence" && f.updated !== undefined, "alice updated");
    expect(updated.updated).toEqual([{ connectionId: alice.welcome.connectionId, userId: "alice", state: { seat: 3 } }]);
    const late = await connectV1(`${gateway.wsUrl}/rooms/lobby?user=late`);
    expect(late.welcome.members).toContainEqual({ connectionId: alice.welcome.connectionId, userId: "alice", state: { seat: 3 } });
    alice.client.close(1000);
    const left = await waitForFrame(watcher.client, (f) => f.type === "presence" && f.left !== undefined, "alice left");
    expect(left).toMatchObject({ left: [alice.welcome.connectionId], usersLeft: ["alice"] });
    watcher.client.close();
    late.client.close();
  });

  it("keeps raw members in v1 presence when the room had no v1 socket at first, and after the last v1 socket left", async () => {
    const room = `${gateway.wsUrl}/rooms/raw-first`;
    const early = await connect(`${room}?user=early`);
    const first = await connectV1(`${room}?user=first`);
    expect(first.welcome.users).toEqual(expect.arrayContaining([{ userId: "early", connections: 1 }, { userId: "first", connections: 1 }]));
    first.client.close(1000);
    await first.client.closed;
    // No v1 socket is left: these changes reach nobody, but the next v1 welcome must show them.
    const gone = await connect(`${room}?user=gone`);
    gone.close(1000);
    await gone.closed;
    const middle = await connect(`${room}?user=middle`);
    await settle(100);
    const watcher = await connectV1(`${room}?user=watcher`);
    const users = (watcher.welcome.users as Frame[]).map((u) => u.userId).sort();
    expect(users).toEqual(["early", "middle", "watcher"]);
    expect(watcher.welcome.memberCount).toBe(3);
    const late = await connect(`${room}?user=late`);
    const joined = await waitForFrame(watcher.client, (f) => f.type === "presence" && f.joined?.some((m: Frame) => m.userId === "late"), "a raw join after the watcher");
    expect(joined.usersJoined).toContain("late");
    early.close(1000);
    const left = await waitForFrame(watcher.client, (f) => f.type === "presence" && f.left !== undefined, "a raw leave after the watcher");
    expect(left).toMatchObject({ left: [expect.any(String)], usersLeft: ["early"] });
    expect(framesOf(watcher.client).flatMap((f) => f.joined ?? []).map((m: Frame) => m.userId)).not.toContain("middle");
    for (const client of [middle, late]) client.close();
    watcher.client.close();
  });

  it("batches a burst of joins into few frames", async () => {
    const watcher = await connectV1(`${gateway.wsUrl}/rooms/burst`);
    const crowd = await Promise.all(Array.from({ length: 10 }, (_, i) => connect(`${gateway.wsUrl}/rooms/burst?user=u${i}`)));
    await waitForFrame(watcher.client, () => framesOf(watcher.client).flatMap((f) => f.joined ?? []).length >= 10, "ten joins");
    const presenceFrames = framesOf(watcher.client).filter((f) => f.type === "presence");
    expect(presenceFrames.length).toBeLessThan(10);
    for (const client of crowd) client.close();
    watcher.client.close();
  });

  it("refuses presence state over PRESENCE_STATE_MAX_BYTES with bad_request", async () => {
    const { client } = await connectV1(`${gateway.wsUrl}/rooms/big-state`);
    client.ws.send(JSON.stringify({ type: "presence", state: "x".repeat(100) }));
    expect(await waitForFrame(client, (f) => f.type === "error", "bad_request")).toMatchObject({ code: "bad_request" });
    client.close();
  });

  it("counts one user in three tabs as one user", async () => {
    const watcher = await connectV1(`${gateway.wsUrl}/rooms/tabs?user=watcher`);
    const tabs = await Promise.all([1, 2, 3].map(() => connectV1(`${gateway.wsUrl}/rooms/tabs?user=carol`)));
    const info = await (await fetch(`${gateway.httpUrl}/rooms/tabs/info`)).json();
    expect(info).toMatchObject({ connections: 4, users: 2 });
    const { welcome } = await connectV1(`${gateway.wsUrl}/rooms/tabs?user=dave`);
    expect(welcome.users).toContainEqual({ userId: "carol", connections: 3 });
    tabs[0]!.client.close(1000);
    tabs[1]!.client.close(1000);
    await waitForFrame(watcher.client, () => framesOf(watcher.client).flatMap((f) => f.left ?? []).length >= 2, "two tabs left");
    expect(framesOf(watcher.client).some((f) => f.usersLeft?.includes("carol"))).toBe(false);
    tabs[2]!.client.close(1000);
    await waitForFrame(watcher.client, (f) => f.usersLeft?.includes("carol"), "carol's last tab left");
    watcher.client.close();
  });

  it("announces a client that vanished without a close frame as left within a few seconds", async () => {
    const watcher = await connectV1(`${gateway.wsUrl}/rooms/vanish`);
    const ghost = await rawUpgrade(gateway.port, "/rooms/vanish?user=ghost", { "Sec-WebSocket-Protocol": "roomcast.v1" });
    const joined = await waitForFrame(watcher.client, (f) => f.type === "presence" && f.joined?.some((m: Frame) => m.userId === "ghost"), "ghost joined");
    const ghostId = joined.joined.find((m: Frame) => m.userId === "ghost").connectionId;
    const started = Date.now();
    ghost.socket.resetAndDestroy();
    await waitForFrame(watcher.client, (f) => f.left?.includes(ghostId), "ghost announced as left", 5_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    watcher.client.close();
  });
});
