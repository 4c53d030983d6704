/**
 * @module directory-drain.test
 * `roomcast/server` against the real gateway (AUTH_MODE=token) for the live-room directory and
 * drains: `rooms()` lists occupied rooms by prefix and pages with the cursor, and with an admin
 * token as `apiKey` lists only the rooms its patterns cover (a typed 403 for a prefix they cannot
 * cover); `drain()` closes a room's sockets with 1012, and a bad `overMs` is a typed 400 sent
 * once; `drainAll({ prefix })` drains the matching rooms and leaves the others open. A shared
 * gateway: every room here starts with `sdkdir-`, and `drainAll` always has a prefix.
 */
import { afterAll, describe, expect, it } from "vitest";
import { RoomcastError } from "../../../src/server";
import { CloseCode } from "../../../src/shared/close-codes";
import { connectV1, expectClose, settle, waitForFrame, type TestClient } from "../../helpers/clients";
import { waitForListed } from "../../helpers/directory";
import { faultyFetch, serverFor } from "../../helpers/server-sdk";
import { mintToken, tokenModeVars } from "../../helpers/tokens";
import { useGateway } from "../../helpers/use-gateway";

const open = new Map<string, TestClient[]>();

afterAll(() => {
  for (const clients of open.values()) for (const client of clients) client.close();
});

describe("RoomcastServer directory and drains", () => {
  const gateway = useGateway(tokenModeVars);

  /**
   * Connects `count` roomcast.v1 clients to `room`. Each sends a frame first: local workerd ends
   * the TCP link of a socket that never sent one only ~10 s after closing it.
   */
  async function occupy(room: string, count = 1): Promise<void> {
    const token = await serverFor(gateway).mintToken({ sub: `user-${room}`, rooms: [room] });
    const clients: TestClient[] = [];
    for (let i = 0; i < count; i++) {
      const { client } = await connectV1(`${gateway.wsUrl}/rooms/${room}`, { protocols: [`roomcast.token.${token}`] });
      client.ws.send(JSON.stringify({ type: "ping" }));
      await waitForFrame(client, (frame) => frame.type === "pong", "pong");
      clients.push(client);
    }
    open.set(room, clients);
  }
  const expectDrained = async (room: string) => {
    for (const client of open.get(room)!) expect((await expectClose(client, `${room} drained`)).code, room).toBe(CloseCode.serviceRestart);
  };
  const expectOpen = (room: string) => {
    for (const client of open.get(room)!) expect(client.ws.readyState, `${room} still open`).toBe(client.ws.OPEN);
  };

  it("rooms(): occupied rooms by prefix with their counts, page by page with the cursor", async () => {
    await occupy("sdkdir-list-1");
    await occupy("sdkdir-list-2", 2);
    await occupy("sdkdir-list-3");
    await waitForListed(gateway.httpUrl, "sdkdir-list-", { "sdkdir-list-1": 1, "sdkdir-list-2": 2, "sdkdir-list-3": 1 });
    const server = serverFor(gateway);

    const all = await server.rooms({ prefix: "sdkdir-list-" });
    expect(all.cursor).toBeNull();
    expect(all.rooms.map(({ room, connections, users }) => ({ room, connections, users }))).toEqual([
      { room: "sdkdir-list-1", connections: 1, users: 1 },
      { room: "sdkdir-list-2", connections: 2, users: 1 },
      { room: "sdkdir-list-3", connections: 1, users: 1 },
    ]);
    for (const entry of all.rooms) expect(entry.updated).toBeGreaterThanOrEqual(entry.since);

    const first = await server.rooms({ prefix: "sdkdir-list-", limit: 2 });
    expect(first.rooms.map((entry) => entry.room)).toEqual(["sdkdir-list-1", "sdkdir-list-2"]);
    expect(first.cursor).toEqual(expect.any(String));
    const second = await server.rooms({ prefix: "sdkdir-list-", limit: 2, cursor: first.cursor! });
    expect(second.rooms.map((entry) => entry.room)).toEqual(["sdkdir-list-3"]);
    expect(second.cursor).toBeNull();
    expect((await server.rooms({ prefix: "sdkdir-none-" })).rooms).toEqual([]);
  });

  it("rooms() with an admin token as apiKey lists only the rooms it covers; a prefix it cannot cover is a typed 403", async () => {
    await waitForListed(gateway.httpUrl, "sdkdir-list-", { "sdkdir-list-1": 1, "sdkdir-list-2": 2, "sdkdir-list-3": 1 });
    const token = await mintToken({ sub: "ops", can: ["admin"], rooms: ["sdkdir-list-2", "sdkdir-list-3"] });
    const scoped = serverFor(gateway, { apiKey: token });
    expect((await scoped.rooms({ prefix: "sdkdir-" })).rooms.map((entry) => entry.room)).toEqual(["sdkdir-list-2", "sdkdir-list-3"]);
    const refused = await scoped.rooms({ prefix: "sdkdir-other-" }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RoomcastError);
    expect(refused).toMatchObject({ status: 403, code: "forbidden" });
  });

  it("drain(): closes the room's sockets with 1012; a bad overMs is a typed 400 bad_request, sent once", async () => {
    await occupy("sdkdir-drain-1", 2);
    const server = serverFor(gateway);
    expect(await server.drain("sdkdir-drain-1", { overMs: 0 })).toEqual({ room: "sdkdir-drain-1", connections: 2, overMs: 0 });
    await expectDrained("sdkdir-drain-1");

    await occupy("sdkdir-drain-2");
    const recorded = faultyFetch([]);
    for (const overMs of [600_001, -1, 1.5]) {
      const refused = await serverFor(gateway, { fetch: recorded.fetch }).drain("sdkdir-drain-2", { overMs }).catch((error: unknown) => error);
      expect(refused, String(overMs)).toBeInstanceOf(RoomcastError);
      expect(refused, String(overMs)).toMatchObject({ status: 400, code: "bad_request", attempts: 1 });
    }
    expect(recorded.requests).toHaveLength(3);
    await settle(300);
    expectOpen("sdkdir-drain-2");
  });

  it("drainAll({ prefix }): drains every occupied room with the prefix and no other", async () => {
    await occupy("sdkdir-all-1", 2);
    await occupy("sdkdir-all-2");
    await occupy("sdkdir-keep-1");
    await waitForListed(gateway.httpUrl, "sdkdir-", { "sdkdir-all-1": 2, "sdkdir-all-2": 1, "sdkdir-keep-1": 1 });
    const answer = await serverFor(gateway).drainAll({ prefix: "sdkdir-all-", overMs: 100 });
    expect(answer).toEqual({ rooms: [{ room: "sdkdir-all-1", connections: 2 }, { room: "sdkdir-all-2", connections: 1 }], overMs: 100 });
    await expectDrained("sdkdir-all-1");
    await expectDrained("sdkdir-all-2");
    await settle(300);
    expectOpen("sdkdir-keep-1");
  });
});
