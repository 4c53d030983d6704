/**
 * @module admin-drain.test
 * `POST /admin/drain {"prefix"?, "overMs"?}` (docs/operations.md "Drain and deploy"): drains the
 * occupied rooms of the live-room directory — with a prefix only those rooms (1012 to their
 * sockets, the other rooms untouched), without one every room; an admin token drains only the
 * rooms its `rooms` patterns cover and gets 403 for a prefix they cannot cover (the GET /rooms
 * rule); 401 without credentials; bodies are checked as the per-room drain's (400). Its own
 * gateway: draining every room would drain other test files' rooms on a shared one.
 */
import { afterAll, describe, expect, it } from "vitest";
import { CloseCode } from "../../../src/shared/close-codes";
import { connectV1, expectClose, settle, waitForFrame, type TestClient } from "../../helpers/clients";
import { waitForListed } from "../../helpers/directory";
import { JSON_HEADERS } from "../../helpers/http-api";
import { API_KEY, mintToken, tokenModeVars } from "../../helpers/tokens";
import { useGateway } from "../../helpers/use-gateway";

interface AdminDrain {
  rooms: Array<{ room: string; connections: number; error?: unknown }>;
  overMs: number;
}

const CONNECTIONS_PER_ROOM = 2;
const open = new Map<string, TestClient[]>();

afterAll(() => {
  for (const clients of open.values()) for (const client of clients) client.close();
});

describe("POST /admin/drain", () => {
  const gateway = useGateway(tokenModeVars, { own: true });

  const adminDrain = (body: string, bearer: string | null = API_KEY) =>
    fetch(`${gateway.httpUrl}/admin/drain`, { method: "POST", headers: { ...JSON_HEADERS, ...(bearer === null ? {} : { Authorization: `Bearer ${bearer}` }) }, body });
  const drained = async (body: string, bearer: string = API_KEY): Promise<AdminDrain> => {
    const response = await adminDrain(body, bearer);
    expect(response.status).toBe(202);
    return response.json();
  };

  /**
   * Connects CONNECTIONS_PER_ROOM roomcast.v1 clients to each room and waits until the directory
   * lists them. Each client sends a frame first: local workerd ends the TCP link of a socket
   * that never sent one only ~10 s after closing it.
   */
  async function occupy(...rooms: string[]): Promise<void> {
    for (const room of rooms) {
      const token = await mintToken({ sub: `user-${room}`, rooms: [room] });
      const clients: TestClient[] = [];
      for (let i = 0; i < CONNECTIONS_PER_ROOM; i++) {
        const { client } = await connectV1(`${gateway.wsUrl}/rooms/${room}`, { protocols: [`roomcast.token.${token}`] });
        client.ws.send(JSON.stringify({ type: "ping" }));
        await waitForFrame(client, (frame) => frame.type === "pong", "pong");
        clients.push(client);
      }
      open.set(room, clients);
    }
    await waitForListed(gateway.httpUrl, "", Object.fromEntries(rooms.map((room) => [room, CONNECTIONS_PER_ROOM])));
  }

  const expectDrained = async (room: string) => {
    for (const client of open.get(room)!) expect((await expectClose(client, `${room} drained`)).code, room).toBe(CloseCode.serviceRestart);
  };
  const expectOpen = (room: string) => {
    for (const client of open.get(room)!) expect(client.ws.readyState, `${room} still open`).toBe(client.ws.OPEN);
  };
  /** The entries of rooms that had connections (a drained room may stay listed, with 0, until the directory drops it). */
  const busy = (answer: AdminDrain) => answer.rooms.filter((entry) => entry.connections > 0);

  it("with a prefix drains only those rooms: their sockets close with 1012, the other rooms stay open", async () => {
    await occupy("a-1", "a-2", "b-1", "b-2");
    const answer = await drained('{"prefix":"a-","overMs":200}');
    expect(answer).toEqual({ rooms: [{ room: "a-1", connections: 2 }, { room: "a-2", connections: 2 }], overMs: 200 });
    await expectDrained("a-1");
    await expectDrained("a-2");
    await settle(500);
    expectOpen("b-1");
    expectOpen("b-2");
  });

  it("an admin token drains only the rooms its patterns cover, and gets 403 for a prefix they cannot cover", async () => {
    await occupy("a-3", "a-4");
    const scoped = await mintToken({ sub: "ops", can: ["admin"], rooms: ["a-3", "b-1"] });
    const answer = await drained('{"overMs":0}', scoped);
    expect(answer.rooms.map((entry) => entry.room)).toEqual(["a-3", "b-1"]);
    expect(busy(answer)).toEqual([{ room: "a-3", connections: 2 }, { room: "b-1", connections: 2 }]);
    await expectDrained("a-3");
    await expectDrained("b-1");
    await settle(500);
    expectOpen("a-4");
    expectOpen("b-2");

    const teamA = await mintToken({ sub: "ops", can: ["admin"], rooms: ["a-*"] });
    const outside = await adminDrain('{"prefix":"b-"}', teamA);
    expect(outside.status).toBe(403);
    expect((await outside.json()).error.code).toBe("forbidden");
    await settle(300);
    expectOpen("b-2");
  });

  it("without a prefix drains every occupied room", async () => {
    await occupy("c-1");
    const answer = await drained('{"overMs":0}');
    expect(busy(answer)).toEqual([{ room: "a-4", connections: 2 }, { room: "b-2", connections: 2 }, { room: "c-1", connections: 2 }]);
    expect(answer.rooms.every((entry) => entry.error === undefined)).toBe(true);
    for (const room of ["a-4", "b-2", "c-1"]) await expectDrained(room);
  });

  it("a prefix no room has drains nothing; the window defaults to 10 s", async () => {
    expect(await drained('{"prefix":"none-"}')).toEqual({ rooms: [], overMs: 10_000 });
  });

  it("401 without or with wrong credentials, 403 for a token without admin, 400 for a bad body, and nothing drained", async () => {
    await occupy("v-1");
    expect((await adminDrain("{}", null)).status).toBe(401);
    expect((await adminDrain("{}", "not-the-key")).status).toBe(401);
    const user = await mintToken({ sub: "u", rooms: ["*"] });
    const notAdmin = await adminDrain("{}", user);
    expect(notAdmin.status).toBe(403);
    expect((await notAdmin.json()).error.code).toBe("forbidden");
    for (const body of ['{"overMs":-1}', '{"overMs":1.5}', '{"overMs":"100"}', '{"overMs":600001}', '{"overMS":100}', '{"prefix":5}', '{"prefix":"has space"}', '{"room":"v-1"}', "[100]", "100", "{"]) {
      const response = await adminDrain(body);
      expect(response.status, body).toBe(400);
      expect((await response.json()).error.code, body).toBe("bad_request");
    }
    expect((await adminDrain(JSON.stringify({ prefix: "v-", pad: "x".repeat(2_000) }))).status).toBe(413);
    expect((await fetch(`${gateway.httpUrl}/admin/drain`, { headers: { Authorization: `Bearer ${API_KEY}` } })).status).toBe(405);
    await settle(300);
    expectOpen("v-1");
  });
});
