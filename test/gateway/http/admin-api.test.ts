import { describe, expect, it } from "vitest";
import { CloseCode } from "../../../src/shared/close-codes";
import { connect, connectV1, expectClose, settle, waitForFrame } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { JSON_HEADERS, publishHttp, readHistory, postMessage } from "../../helpers/http-api";

describe("HTTP admin API", () => {
  const gateway = useGateway();

  it("publishes a batch with one result per message, in order", async () => {
    const client = await connect(`${gateway.wsUrl}/rooms/batch-a`);
    const response = await fetch(`${gateway.httpUrl}/publish`, {
      method: "POST",
      headers: JSON_HEADERS,
      body: JSON.stringify({
        messages: [
          { room: "batch-a", data: "one" },
          { room: "batch-b", data: { two: 2 }, topic: "t" },
          { room: "bad room", data: 3 },
          { room: "batch-a", topic: "x" },
          { room: "batch-a", data: "four" },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const { results } = await response.json();
    expect(results).toEqual([
      { room: "batch-a", seq: 1 },
      { room: "batch-b", seq: 1 },
      { room: "bad room", error: { code: "invalid_room", message: expect.any(String) } },
      { room: "batch-a", error: { code: "bad_request", message: expect.any(String) } },
      { room: "batch-a", seq: 2 },
    ]);
    await client.waitForCount(2, "two batch messages in batch-a");
    expect(client.texts()).toEqual(["one", "four"]);
    client.close();
  });

  it("answers a malformed batch with 400", async () => {
    for (const body of ["{", "{}", '{"messages":[]}', '{"messages":"x"}']) {
      const response = await fetch(`${gateway.httpUrl}/publish`, { method: "POST", headers: JSON_HEADERS, body });
      expect(response.status, body).toBe(400);
    }
  });

  it("reports connections, users, seq, epoch, counters and recent closes", async () => {
    const a = await connectV1(`${gateway.wsUrl}/rooms/info?user=a`);
    const b = await connect(`${gateway.wsUrl}/rooms/info?user=b`);
    a.client.ws.send(JSON.stringify({ type: "publish", data: "hello", id: "1" }));
    await b.nextMessage("hello at b");
    const gone = await connect(`${gateway.wsUrl}/rooms/info`);
    gone.close(4321, "bye now");
    await expectClose(gone, "client close 4321");
    const info = await (await fetch(`${gateway.httpUrl}/rooms/info/info`)).json();
    expect(info).toMatchObject({ room: "info", epoch: a.welcome.epoch, seq: 1, connections: 2, users: 2 });
    expect(info.counters.messagesIn).toBeGreaterThanOrEqual(1);
    expect(info.counters.messagesOut).toBeGreaterThanOrEqual(1);
    expect(info.counters.bytesIn).toBeGreaterThan(0);
    expect(info.counters.closesByCode["4321"]).toBe(1);
    expect(info.recentCloses[0]).toMatchObject({ code: 4321, reason: "bye now", at: expect.any(String) });
    a.client.close();
    b.close();
  });

  it("keeps the last 50 closes", async () => {
    for (let i = 0; i < 55; i++) {
      const client = await connect(`${gateway.wsUrl}/rooms/many-closes`);
      client.close(4000 + i, `c${i}`);
      await expectClose(client, `close ${i}`);
    }
    const info = await (await fetch(`${gateway.httpUrl}/rooms/many-closes/info`)).json();
    expect(info.recentCloses).toHaveLength(50);
    expect(info.recentCloses[0]).toMatchObject({ code: 4054, reason: "c54" });
    expect(info.counters.closesByCode["4000"]).toBe(1);
  });

  it("counts every close of simultaneous closes once, while messages flow", async () => {
    const room = "close-storm";
    const clients = await Promise.all(Array.from({ length: 60 }, () => connect(`${gateway.wsUrl}/rooms/${room}`)));
    const publishing = Promise.all(Array.from({ length: 5 }, (_, i) => publishHttp(gateway.httpUrl, room, { n: i })));
    clients.forEach((client, i) => client.close(4100 + i, `storm ${i}`));
    await Promise.all(clients.map((client, i) => expectClose(client, `storm close ${i}`)));
    await publishing;
    const read = async () => (await (await fetch(`${gateway.httpUrl}/rooms/${room}/info`)).json()) as { counters: { closesByCode: Record<string, number> }; recentCloses: Array<{ code: number; reason: string; at: string }> };
    const info = await read();
    const counted = Object.entries(info.counters.closesByCode).filter(([code]) => Number(code) >= 4100 && Number(code) < 4160);
    expect(counted).toHaveLength(60);
    expect(counted.every(([, n]) => n === 1)).toBe(true);
    const codes = info.recentCloses.map((close) => close.code);
    expect(codes).toHaveLength(50);
    expect(new Set(codes).size).toBe(50);
    expect(info.recentCloses.every((close) => close.reason === `storm ${close.code - 4100}`)).toBe(true);
    const times = info.recentCloses.map((close) => Date.parse(close.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // Read again once every close is stored: the same closes, none twice.
    await settle(300);
    expect((await read()).recentCloses).toEqual(info.recentCloses);
  });

  it("kicks one connection with 4009 and answers 404 for an unknown one", async () => {
    const target = await connectV1(`${gateway.wsUrl}/rooms/kick`);
    const other = await connectV1(`${gateway.wsUrl}/rooms/kick`);
    target.client.ws.send(JSON.stringify({ type: "ping" }));
    await waitForFrame(target.client, (f) => f.type === "pong", "pong before the kick");
    const response = await fetch(`${gateway.httpUrl}/rooms/kick/connections/${target.welcome.connectionId}`, { method: "DELETE" });
    expect(response.status).toBe(200);
    expect((await expectClose(target.client, "kicked connection")).code).toBe(CloseCode.kicked);
    expect(other.client.ws.readyState).toBe(other.client.ws.OPEN);
    const missing = await fetch(`${gateway.httpUrl}/rooms/kick/connections/${target.welcome.connectionId}`, { method: "DELETE" });
    expect(missing.status).toBe(404);
    expect((await fetch(`${gateway.httpUrl}/rooms/kick/connections/not-an-id`, { method: "DELETE" })).status).toBe(404);
    other.client.close();
  });

  it("deletes a room: 1001 to every socket, storage wiped, a new epoch at seq 0", async () => {
    // Both clients send a frame first: local workerd delays the TCP end ~10 s for a socket that
    // never sent one and is closed from another handler (see README, known runtime deviations).
    const a = await connectV1(`${gateway.wsUrl}/rooms/doomed`);
    const b = await connect(`${gateway.wsUrl}/rooms/doomed`);
    a.client.ws.send(JSON.stringify({ type: "ping" }));
    b.ws.send("keep me?");
    await waitForFrame(a.client, (f) => f.type === "message", "message before delete");
    await postMessage(gateway.httpUrl, "doomed", { data: 1, topic: "t" });
    const response = await fetch(`${gateway.httpUrl}/rooms/doomed`, { method: "DELETE" });
    expect(response.status).toBe(200);
    const { epoch } = await response.json();
    expect((await expectClose(a.client, "a after delete")).code).toBe(CloseCode.goingAway);
    expect((await expectClose(b, "b after delete")).code).toBe(CloseCode.goingAway);
    expect(epoch).not.toBe(a.welcome.epoch);
    const history = await readHistory(gateway.httpUrl, "doomed");
    expect(history).toEqual({ epoch, seq: 0, messages: [] });
    const fresh = await connectV1(`${gateway.wsUrl}/rooms/doomed`);
    expect(fresh.welcome).toMatchObject({ epoch, seq: 0 });
    fresh.client.ws.send(JSON.stringify({ type: "subscribe", topics: ["t"] }));
    fresh.client.ws.send(JSON.stringify({ type: "ping", id: "after" }));
    await waitForFrame(fresh.client, (f) => f.type === "pong", "pong after subscribe");
    expect(fresh.client.texts().some((t) => t.includes('"snapshot"'))).toBe(false);
    fresh.client.close();
  });
});
