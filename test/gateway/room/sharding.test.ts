import { describe, expect, it } from "vitest";
import { CloseCode } from "../../../src/shared/close-codes";
import { connect, connectV1, expectClose, framesOf, waitForFrame, type Frame, type TestClient } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { JSON_HEADERS, readHistory, postMessage } from "../../helpers/http-api";

const SHARDS = 4;
/** With random placement, 12 connections all landing on one of 4 shards has odds 4^-11. */
const CLIENTS = 12;
const MESSAGES = 200;

const messagesOf = (client: TestClient) => framesOf(client).filter((f) => f.type === "message");

describe("sharded room", () => {
  const gateway = useGateway({ ROOM_POLICIES: JSON.stringify([{ match: "big-*", shards: SHARDS }]), RATE_LIMIT_MESSAGES_PER_SECOND: 100_000 });

  it("gives every connection on every shard one seq space, in order, from sockets and HTTP alike", async () => {
    const clients = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => connectV1(`${gateway.wsUrl}/rooms/big-order?user=u${i}`)));
    const publisher = clients[0]!;
    for (let i = 0; i < MESSAGES / 2; i++) publisher.client.ws.send(JSON.stringify({ type: "publish", data: `ws-${i}`, id: `p${i}` }));
    await fetch(`${gateway.httpUrl}/publish`, { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ messages: Array.from({ length: MESSAGES / 2 }, (_, i) => ({ room: "big-order", data: `http-${i}` })) }) });
    for (const { client } of clients.slice(1)) await waitForFrame(client, () => messagesOf(client).length >= MESSAGES, `${MESSAGES} messages`, 20_000);
    const reference = messagesOf(clients[1]!.client).map((m) => m.seq);
    expect(reference).toEqual(Array.from({ length: MESSAGES }, (_, i) => i + 1));
    for (const { client } of clients.slice(1)) expect(messagesOf(client).map((m) => [m.seq, m.data])).toEqual(messagesOf(clients[1]!.client).map((m) => [m.seq, m.data]));
    // The publisher gets acks with the seqs of its own messages, never the messages themselves.
    await waitForFrame(publisher.client, () => framesOf(publisher.client).filter((f) => f.type === "ack").length >= MESSAGES / 2, "all acks");
    expect(messagesOf(publisher.client).every((m: Frame) => m.from === "api")).toBe(true);
    const history = await readHistory(gateway.httpUrl, "big-order", "?limit=1000");
    expect(history.messages.map((m: Frame) => m.seq)).toEqual(reference);
    const info = await (await fetch(`${gateway.httpUrl}/rooms/big-order/info`)).json();
    expect(info).toMatchObject({ connections: CLIENTS, users: CLIENTS, seq: MESSAGES });
    expect(info.shards).toHaveLength(SHARDS);
    expect(info.shards.reduce((a: number, b: number) => a + b, 0)).toBe(CLIENTS);
    expect(info.shards.filter((n: number) => n > 0).length).toBeGreaterThan(1);
    for (const { client } of clients) client.close();
  });

  it("shows one presence list across shards", async () => {
    const watcher = await connectV1(`${gateway.wsUrl}/rooms/big-presence?user=watcher`);
    const others = await Promise.all(Array.from({ length: CLIENTS - 1 }, (_, i) => connectV1(`${gateway.wsUrl}/rooms/big-presence?user=p${i}`)));
    await waitForFrame(watcher.client, () => framesOf(watcher.client).flatMap((f) => f.joined ?? []).filter((m: Frame) => m.userId !== "watcher").length >= CLIENTS - 1, "every join, whatever the shard");
    const late = await connectV1(`${gateway.wsUrl}/rooms/big-presence?user=late`);
    expect(late.welcome.memberCount).toBe(CLIENTS + 1);
    expect(late.welcome.users.map((u: Frame) => u.userId).sort()).toContain("p0");
    others[0]!.client.ws.send(JSON.stringify({ type: "presence", state: { ready: true } }));
    await waitForFrame(watcher.client, (f) => f.updated?.some((m: Frame) => m.userId === "p0"), "p0's update");
    others[1]!.client.close(1000);
    await waitForFrame(watcher.client, (f) => f.left?.includes(others[1]!.welcome.connectionId), "p1 left");
    for (const { client } of [watcher, late, ...others]) client.close();
  });

  it("resumes on any shard from the shared history, with nothing missed or doubled", async () => {
    const first = await connectV1(`${gateway.wsUrl}/rooms/big-resume`);
    for (let i = 0; i < 5; i++) await postMessage(gateway.httpUrl, "big-resume", { data: i });
    await waitForFrame(first.client, (f) => f.type === "message" && f.seq === 5, "five live messages");
    first.client.close(1000);
    for (let i = 5; i < 10; i++) await postMessage(gateway.httpUrl, "big-resume", { data: i });
    const resumed = await Promise.all(Array.from({ length: 6 }, () => connectV1(`${gateway.wsUrl}/rooms/big-resume?since=5&epoch=${first.welcome.epoch}`)));
    await postMessage(gateway.httpUrl, "big-resume", { data: 10 });
    for (const { client, welcome } of resumed) {
      expect(welcome).toMatchObject({ recovered: true, missed: 5 });
      await waitForFrame(client, (f) => f.type === "message" && f.seq === 11, "live seq 11 after the replay");
      expect(messagesOf(client).map((m) => m.seq)).toEqual([6, 7, 8, 9, 10, 11]);
      client.close();
    }
  });

  it("routes direct messages and snapshots across shards", async () => {
    await postMessage(gateway.httpUrl, "big-direct", { data: 42, topic: "AAPL" });
    const clients = await Promise.all(Array.from({ length: 8 }, () => connectV1(`${gateway.wsUrl}/rooms/big-direct`)));
    const [sender, ...targets] = clients;
    for (const target of targets) sender!.client.ws.send(JSON.stringify({ type: "direct", to: target.welcome.connectionId, data: `hi ${target.welcome.connectionId}` }));
    for (const target of targets) expect(await waitForFrame(target.client, (f) => f.type === "direct", "direct across shards")).toMatchObject({ from: sender!.welcome.connectionId, data: `hi ${target.welcome.connectionId}` });
    sender!.client.ws.send(JSON.stringify({ type: "direct", to: "0000000000000000", data: 1, id: "nobody" }));
    expect(await waitForFrame(sender!.client, (f) => f.type === "error", "not_found")).toMatchObject({ code: "not_found", id: "nobody" });
    targets[0]!.client.ws.send(JSON.stringify({ type: "subscribe", topics: ["AAPL"] }));
    expect(await waitForFrame(targets[0]!.client, (f) => f.type === "message", "snapshot from the primary")).toMatchObject({ data: 42, snapshot: true });
    for (const { client } of clients) client.close();
  });

  it("kicks a connection on whichever shard holds it, and deletes the room on every shard", async () => {
    const clients = await Promise.all(Array.from({ length: 8 }, () => connect(`${gateway.wsUrl}/rooms/big-admin`, { protocols: "roomcast.v1" })));
    for (const client of clients) client.ws.send(JSON.stringify({ type: "ping" }));
    const welcomes = await Promise.all(clients.map((client) => waitForFrame(client, (f) => f.type === "welcome", "welcome")));
    const kicked = await fetch(`${gateway.httpUrl}/rooms/big-admin/connections/${welcomes[3]!.connectionId}`, { method: "DELETE" });
    expect(kicked.status).toBe(200);
    expect((await expectClose(clients[3]!, "kicked across shards")).code).toBe(CloseCode.kicked);
    const deleted = await fetch(`${gateway.httpUrl}/rooms/big-admin`, { method: "DELETE" });
    const { epoch } = await deleted.json();
    for (const [i, client] of clients.entries()) if (i !== 3) expect((await expectClose(client, `client ${i} after delete`)).code).toBe(CloseCode.goingAway);
    expect(epoch).not.toBe(welcomes[0]!.epoch);
    const fresh = await connectV1(`${gateway.wsUrl}/rooms/big-admin`);
    expect(fresh.welcome).toMatchObject({ epoch, seq: 0, memberCount: 1 });
    fresh.client.close();
  });
});
