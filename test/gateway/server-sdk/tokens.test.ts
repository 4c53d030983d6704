/**
 * @module tokens.test
 * What `roomcast/server` mints, accepted by the real gateway (AUTH_MODE=token, JWT_SECRET): a
 * connection token opens its room for the client SDK with its user id and capabilities and is
 * refused (4003) for another room; an `admin` token works as the HTTP API credential for its
 * rooms only; a ticket minted locally or requested from the gateway opens its room once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { RoomClient, RoomClientError } from "../../../src/client";
import { RoomcastError } from "../../../src/server";
import { CloseCode } from "../../../src/shared/close-codes";
import { connect, connectV1, expectClose, type TestClient } from "../../helpers/clients";
import { record, waitForState } from "../../helpers/sdk";
import { serverFor } from "../../helpers/server-sdk";
import { tokenModeVars } from "../../helpers/tokens";
import { useGateway } from "../../helpers/use-gateway";

describe("tokens and tickets minted by RoomcastServer", () => {
  const gateway = useGateway(tokenModeVars);
  const clients: RoomClient[] = [];
  const sockets: TestClient[] = [];
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
    for (const socket of sockets.splice(0)) socket.close();
  });

  function roomClient(room: string, token: string): RoomClient {
    const client = new RoomClient({ url: gateway.wsUrl, room, token, reconnect: { maxAttempts: 1 } });
    clients.push(client);
    return client;
  }

  it("mintToken: the client SDK connects with it as that user, publishes, and receives an HTTP publish", async () => {
    const server = serverFor(gateway);
    const token = await server.mintToken({ sub: "tess", rooms: ["sdk-tok-*"] });
    const client = roomClient("sdk-tok-open", token);
    const seen = record(client);
    const opened = await waitForState(seen, "open", "the client connected with the minted token");
    expect(client.members.find((member) => member.connectionId === opened.connectionId)?.userId).toBe("tess");
    expect(await client.publish("from tess")).toBe(1);
    await server.publish("sdk-tok-open", { from: "backend" });
    await expect.poll(() => seen.messages.map((message) => message.data)).toContainEqual({ from: "backend" });
  });

  it("mintToken: a token for another room is refused with 4003 and the client stops", async () => {
    const token = await serverFor(gateway).mintToken({ sub: "tess", rooms: ["sdk-tok-a"] });
    const seen = record(roomClient("sdk-tok-b", token));
    const closed = await waitForState(seen, "closed", "the client was refused");
    expect(closed.code).toBe(CloseCode.forbidden);
  });

  it("mintToken: `can` limits what the connection may do", async () => {
    const token = await serverFor(gateway).mintToken({ sub: "reader", rooms: ["sdk-tok-readonly"], can: ["subscribe"] });
    const client = roomClient("sdk-tok-readonly", token);
    await waitForState(record(client), "open", "the read-only client connected");
    const refused = await client.publish("not allowed").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RoomClientError);
    expect(refused).toMatchObject({ code: "forbidden" });
  });

  it("mintToken with can: [admin] is an HTTP API credential for its rooms only (403 forbidden elsewhere)", async () => {
    const adminToken = await serverFor(gateway).mintToken({ sub: "ops", rooms: ["sdk-tok-admin-*"], can: ["admin"] });
    const asAdmin = serverFor(gateway, { apiKey: adminToken });
    expect((await asAdmin.publish("sdk-tok-admin-1", "ok")).seq).toBe(1);
    const refused = await asAdmin.publish("sdk-tok-elsewhere", "no").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RoomcastError);
    expect(refused).toMatchObject({ status: 403, code: "forbidden" });
  });

  it("mintToken without the JWT secret fails before anything is signed", async () => {
    await expect(serverFor(gateway, { jwtSecret: undefined }).mintToken({ sub: "x", rooms: ["*"] })).rejects.toThrow(/JWT_SECRET/);
  });

  it("mintTicket (local) and requestTicket (from the gateway): each opens its room once, as its user", async () => {
    const server = serverFor(gateway);
    const local = await server.mintTicket("sdk-tok-ticket", { sub: "tia", can: ["subscribe"] });
    const requested = await server.requestTicket("sdk-tok-ticket", { sub: "rey" });
    expect(Date.parse(local.expiresAt)).toBeGreaterThan(Date.now());
    for (const [ticket, sub] of [
      [local.ticket, "tia"],
      [requested.ticket, "rey"],
    ] as const) {
      const first = await connectV1(`${gateway.wsUrl}/rooms/sdk-tok-ticket?ticket=${ticket}`);
      sockets.push(first.client);
      expect(first.welcome.userId).toBe(sub);
      const again = await connect(`${gateway.wsUrl}/rooms/sdk-tok-ticket?ticket=${ticket}`);
      sockets.push(again);
      expect(await expectClose(again, "second use of the ticket")).toEqual({ code: CloseCode.unauthorized, reason: "ticket already used" });
    }
    const elsewhere = await connect(`${gateway.wsUrl}/rooms/sdk-tok-other?ticket=${(await server.mintTicket("sdk-tok-ticket")).ticket}`);
    sockets.push(elsewhere);
    expect((await expectClose(elsewhere, "ticket for another room")).code).toBe(CloseCode.forbidden);
  });
});
