/**
 * @module rooms.test
 * `roomcast/server` reading and managing rooms against the real gateway (AUTH_MODE=token):
 * `history` pages, `info` sees a connected client, `kick` closes it with 4009 (and a kick of an
 * absent connection is a typed 404), `deleteRoom` closes sockets with 1001 and starts a new epoch.
 */
import { afterEach, describe, expect, it } from "vitest";
import { RoomcastError } from "../../../src/server";
import { CloseCode } from "../../../src/shared/close-codes";
import { connectV1, expectClose, waitForFrame, type TestClient } from "../../helpers/clients";
import { serverFor } from "../../helpers/server-sdk";
import { tokenModeVars } from "../../helpers/tokens";
import { useGateway } from "../../helpers/use-gateway";

describe("RoomcastServer rooms", () => {
  const gateway = useGateway(tokenModeVars);
  const open: TestClient[] = [];
  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });

  /**
   * A roomcast.v1 client connected with a token the SDK minted. It sends one frame first: local
   * workerd ends the TCP link of a socket that never sent one only ~10 s after closing it.
   */
  async function join(room: string, sub: string) {
    const token = await serverFor(gateway).mintToken({ sub, rooms: [room] });
    const joined = await connectV1(`${gateway.wsUrl}/rooms/${room}`, { protocols: [`roomcast.token.${token}`] });
    open.push(joined.client);
    joined.client.ws.send(JSON.stringify({ type: "ping" }));
    await waitForFrame(joined.client, (frame) => frame.type === "pong", "pong");
    return joined;
  }

  it("history: since and limit page through the stored messages, oldest first", async () => {
    const server = serverFor(gateway);
    await server.publishBatch(Array.from({ length: 5 }, (_, i) => ({ room: "sdk-rooms-history", data: i })));
    const page = await server.history("sdk-rooms-history", { since: 1, limit: 2 });
    expect(page.seq).toBe(5);
    expect(page.epoch).toMatch(/\S/);
    expect(page.messages.map((message) => [message.seq, message.data])).toEqual([
      [2, 1],
      [3, 2],
    ]);
  });

  it("info: connections, members and seq of a room with a connected client", async () => {
    const { welcome } = await join("sdk-rooms-info", "ines");
    await serverFor(gateway).publish("sdk-rooms-info", "hello");
    const info = await serverFor(gateway).info("sdk-rooms-info");
    expect(info).toMatchObject({ room: "sdk-rooms-info", connections: 1, users: 1, seq: 1, epoch: welcome.epoch });
    expect(info.members).toEqual([expect.objectContaining({ connectionId: welcome.connectionId, userId: "ines" })]);
    expect(info.counters.connectionsOpened).toBe(1);
  });

  it("kick: closes the connection with 4009; kicking it again is a typed 404 not_found", async () => {
    const { client, welcome } = await join("sdk-rooms-kick", "kim");
    const server = serverFor(gateway);
    expect(await server.kick("sdk-rooms-kick", welcome.connectionId)).toEqual({ kicked: welcome.connectionId });
    expect((await expectClose(client, "kicked")).code).toBe(CloseCode.kicked);
    const again = await server.kick("sdk-rooms-kick", welcome.connectionId).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(RoomcastError);
    expect(again).toMatchObject({ status: 404, code: "not_found" });
  });

  it("deleteRoom: closes sockets with 1001, wipes history, and the room starts a new epoch", async () => {
    const server = serverFor(gateway);
    await server.publish("sdk-rooms-delete", "before");
    const { client, welcome } = await join("sdk-rooms-delete", "dee");
    const deleted = await server.deleteRoom("sdk-rooms-delete");
    expect(deleted.deleted).toBe("sdk-rooms-delete");
    expect(deleted.epoch).not.toBe(welcome.epoch);
    expect((await expectClose(client, "room deleted")).code).toBe(CloseCode.goingAway);
    const page = await server.history("sdk-rooms-delete");
    expect(page).toMatchObject({ epoch: deleted.epoch, seq: 0, messages: [] });
  });
});
