/**
 * @module token-refresh.test
 * Issue 14 item 4, against a real gateway in AUTH_MODE=token: a v1 `{"type":"auth"}` frame replaces
 * a connection's token without reconnecting (docs/protocol.md §3, §5). A refreshed connection
 * outlives its first token (an unrefreshed one is closed 4001 then: the control); refusals
 * (`forbidden` for another user or room, `unauthorized` for garbage) keep the old token, which
 * still expires; capabilities change at once; a ticket's session is extended; a sharded room's
 * shard does the same; the SDK with a token function refreshes by itself across two expiries.
 * STOMP, SSE and SockJS have no auth frame and keep close-then-reconnect: 4001 at expiry.
 * Tokens live ~3 s to keep this fast.
 */
import { describe, expect, it } from "vitest";
import { RoomClient } from "../../../src/client";
import { CloseCode } from "../../../src/shared/close-codes";
import { connectV1, expectClose, framesOf, settle, waitForFrame, withTimeout, type TestClient } from "../../helpers/clients";
import { createTicket } from "../../helpers/http-api";
import { openSockjs } from "../../helpers/sockjs-client";
import { useSseStreams } from "../../helpers/sse-client";
import { connectStomp } from "../../helpers/stomp-client";
import { record, waitUntil } from "../../helpers/sdk";
import { useSdkClients } from "../../helpers/sdk-clients";
import { API_KEY, mintToken, tokenModeVars } from "../../helpers/tokens";
import { useGateway } from "../../helpers/use-gateway";

const SHORT_TTL_S = 3;
const LONG_TTL_S = 3_600;
/** Past an expiry by this much, the room's alarm has had its turn (it runs at the expiry). */
const AFTER_EXPIRY_MS = 1_500;
const EXPIRED = { code: CloseCode.unauthorized, reason: "token expired" };

/** A token expiring `ttlSeconds` from now, and that expiry in ms. */
async function tokenFor(claims: { sub?: string; rooms?: string[]; can?: string[] }, ttlSeconds: number) {
  const exp = Math.floor(Date.now() / 1000) + ttlSeconds;
  return { token: await mintToken({ ...claims, exp }), expiresAtMs: exp * 1000 };
}

/** Sends an auth frame and waits for its answer (ack or error). */
async function refresh(client: TestClient, token: string, id: string) {
  client.ws.send(JSON.stringify({ type: "auth", token, id }));
  return waitForFrame(client, (frame) => frame.id === id && (frame.type === "ack" || frame.type === "error"), `answer to auth ${id}`);
}

/** Proves the connection is still served: a v1 ping is answered by the room itself. */
async function stillServed(client: TestClient, id: string) {
  client.ws.send(JSON.stringify({ type: "ping", id }));
  await waitForFrame(client, (frame) => frame.type === "pong" && frame.id === id, `pong ${id}`);
}

const untilPast = (expiresAtMs: number) => settle(Math.max(0, expiresAtMs + AFTER_EXPIRY_MS - Date.now()));

describe("in-band token refresh (AUTH_MODE=token)", () => {
  const gateway = useGateway({ ...tokenModeVars, ROOM_POLICIES: JSON.stringify([{ match: "refresh-sharded-*", shards: 2 }]) });
  const { proxy, track } = useSdkClients(gateway);
  const sse = useSseStreams(gateway);
  const url = (room: string, token: string) => `${gateway.wsUrl}/rooms/${room}?token=${token}`;

  async function outlivesFirstToken(room: string) {
    const short = await tokenFor({ sub: "ada", rooms: [room] }, SHORT_TTL_S);
    const refreshed = await connectV1(url(room, short.token));
    const control = await connectV1(url(room, short.token));
    // The control sent a frame too: local workerd delivers a server close at once only then.
    await stillServed(control.client, "control-ping");
    const long = await tokenFor({ sub: "ada", rooms: [room] }, LONG_TTL_S);
    expect(await refresh(refreshed.client, long.token, "r1")).toEqual({ type: "ack", id: "r1" });
    expect(await expectClose(control.client, "the control's 4001 at the first expiry", (SHORT_TTL_S + 5) * 1000)).toEqual(EXPIRED);
    await untilPast(short.expiresAtMs);
    await stillServed(refreshed.client, "after-expiry");
    expect(framesOf(refreshed.client).filter((frame) => frame.type === "error")).toEqual([]);
    refreshed.client.close();
  }

  it("acks a longer token for the same user and room; the connection outlives its first token, the control gets 4001", async () => {
    await outlivesFirstToken("refresh-basic");
  });

  it("refuses another user's token (forbidden), another room's (forbidden) and garbage (unauthorized); the old token still expires with 4001", async () => {
    const short = await tokenFor({ sub: "ada", rooms: ["refresh-refused"] }, SHORT_TTL_S);
    const { client } = await connectV1(url("refresh-refused", short.token));
    const otherUser = await tokenFor({ sub: "mallory", rooms: ["refresh-refused"] }, LONG_TTL_S);
    const otherRoom = await tokenFor({ sub: "ada", rooms: ["refresh-elsewhere"] }, LONG_TTL_S);
    expect(await refresh(client, otherUser.token, "user")).toEqual({ type: "error", code: "forbidden", message: "token is for another user", id: "user" });
    expect(await refresh(client, otherRoom.token, "room")).toEqual({ type: "error", code: "forbidden", message: "token is not for this room", id: "room" });
    expect(await refresh(client, "garbage.garbage.garbage", "junk")).toEqual({ type: "error", code: "unauthorized", message: "malformed token", id: "junk" });
    expect(await refresh(client, "", "empty")).toMatchObject({ type: "error", code: "bad_request", id: "empty" });
    await stillServed(client, "after-refusals");
    expect(await expectClose(client, "4001 at the old expiry", (SHORT_TTL_S + 5) * 1000)).toEqual(EXPIRED);
  });

  it("applies a capability change at once: publish revoked → forbidden, granted again → published", async () => {
    const room = "refresh-caps";
    const full = await tokenFor({ sub: "ada", rooms: [room] }, LONG_TTL_S);
    const { client } = await connectV1(url(room, full.token));
    const reader = await connectV1(url(room, (await tokenFor({ sub: "bob", rooms: [room] }, LONG_TTL_S)).token));
    const readOnly = await tokenFor({ sub: "ada", rooms: [room], can: ["subscribe", "presence"] }, LONG_TTL_S);
    expect((await refresh(client, readOnly.token, "revoke")).type).toBe("ack");
    client.ws.send(JSON.stringify({ type: "publish", data: "refused", id: "p1" }));
    expect(await waitForFrame(client, (frame) => frame.id === "p1", "answer to p1")).toMatchObject({ type: "error", code: "forbidden", message: "token does not allow publish" });
    expect((await refresh(client, full.token, "grant")).type).toBe("ack");
    client.ws.send(JSON.stringify({ type: "publish", data: "allowed", id: "p2" }));
    await waitForFrame(reader.client, (frame) => frame.type === "message" && frame.data === "allowed", "the publish after the grant");
    expect(framesOf(reader.client).some((frame) => frame.data === "refused")).toBe(false);
    client.close();
    reader.client.close();
  });

  it("extends a connection that came in with a ticket past its session expiry", async () => {
    const room = "refresh-ticket";
    const ticketed = () => createTicket(gateway.httpUrl, room, API_KEY, { sub: "ada", sessionSeconds: SHORT_TTL_S });
    const sessionEndsAtMs = Date.now() + SHORT_TTL_S * 1000;
    const { client, welcome } = await connectV1(`${gateway.wsUrl}/rooms/${room}?ticket=${await ticketed()}`);
    const control = await connectV1(`${gateway.wsUrl}/rooms/${room}?ticket=${await ticketed()}`);
    await stillServed(control.client, "control-ping");
    expect(welcome.userId).toBe("ada");
    const long = await tokenFor({ sub: "ada", rooms: [room] }, LONG_TTL_S);
    expect((await refresh(client, long.token, "r1")).type).toBe("ack");
    expect(await expectClose(control.client, "the control's 4001 at the session expiry", (SHORT_TTL_S + 5) * 1000)).toEqual(EXPIRED);
    await untilPast(sessionEndsAtMs);
    await stillServed(client, "after-session");
    client.close();
  });

  it("works the same in a sharded room (shards: 2): the shard holding the socket refreshes it", async () => {
    await outlivesFirstToken("refresh-sharded-1");
    const room = "refresh-sharded-caps";
    const { client } = await connectV1(url(room, (await tokenFor({ sub: "ada", rooms: [room] }, LONG_TTL_S)).token));
    expect((await refresh(client, (await tokenFor({ sub: "ada", rooms: [room], can: ["subscribe"] }, LONG_TTL_S)).token, "revoke")).type).toBe("ack");
    client.ws.send(JSON.stringify({ type: "publish", data: "refused", id: "p1" }));
    expect(await waitForFrame(client, (frame) => frame.id === "p1", "answer to p1")).toMatchObject({ type: "error", code: "forbidden" });
    expect(await refresh(client, (await tokenFor({ sub: "eve", rooms: [room] }, LONG_TTL_S)).token, "user")).toMatchObject({ type: "error", code: "forbidden" });
    client.close();
  });

  it("the SDK with a token function refreshes by itself: one connection across two expiries", async () => {
    const room = "refresh-sdk";
    let tokenCalls = 0;
    const client = track(
      new RoomClient({
        url: proxy.wsUrl,
        room,
        token: async () => {
          tokenCalls++;
          return (await tokenFor({ sub: "ada", rooms: [room] }, SHORT_TTL_S + 1)).token;
        },
      }),
    );
    const seen = record(client);
    await waitUntil(() => client.state === "open", "the SDK connected");
    const acceptedAfterConnect = proxy.accepted;
    const firstConnectionId = client.connectionId;
    // Two whole lifetimes of the token the SDK connected with.
    await settle(2 * (SHORT_TTL_S + 1) * 1000 + AFTER_EXPIRY_MS);
    expect(seen.states.map((change) => change.state)).toEqual(["connecting", "open"]);
    expect(seen.errors).toEqual([]);
    expect(client.connectionId).toBe(firstConnectionId);
    expect(proxy.accepted).toBe(acceptedAfterConnect);
    expect(tokenCalls).toBeGreaterThanOrEqual(3);
    expect(await client.publish("still here")).toBeGreaterThan(0);
  });

  it("STOMP, SSE and SockJS keep close-then-reconnect: their connection ends with 4001 when the token expires", async () => {
    const room = "refresh-transports";
    const short = await tokenFor({ sub: "ada", rooms: [room] }, SHORT_TTL_S);
    const wait = (SHORT_TTL_S + 5) * 1000;
    const stomp = await connectStomp(`${gateway.wsUrl}/rooms/${room}?token=${short.token}`);
    const stream = await sse(room, `?token=${short.token}`);
    expect(stream.status).toBe(200);
    const sockjs = await openSockjs(`${gateway.httpUrl}/sockjs/${room}?token=${short.token}`, "xhr-streaming");
    const [stompClosed, sseClose, sockjsClosed] = await Promise.all([
      withTimeout(stomp.closed, wait, "STOMP close at expiry"),
      stream.waitFor((event) => event.event === "close", "SSE close event at expiry", wait),
      withTimeout(sockjs.closed, wait, "SockJS close at expiry"),
    ]);
    expect(stompClosed.code).toBe(CloseCode.unauthorized);
    expect(JSON.parse(sseClose.data)).toEqual(EXPIRED);
    expect(sockjsClosed).toEqual(EXPIRED);
  });
});
