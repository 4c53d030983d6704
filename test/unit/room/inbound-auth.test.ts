/**
 * @module inbound-auth.test
 * The room's answer to an in-band `{"type":"auth"}` frame (src/room/inbound.ts, token-refresh.ts)
 * against a recording host and fake sockets, with real HS256 tokens: accepted (ack, new grant in
 * the attachment, the expiry job told), refused (unauthorized / forbidden / bad_request, the old
 * grant kept), AUTH_MODE=open (acked, nothing changes), and an old token that ran out meanwhile.
 */
import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { readSocketState } from "../../../src/room/socket-state";
import { connect, inboundRoom, settle } from "./fake-room";

const JWT_SECRET = "unit-auth-frame-secret";
const TOKEN_MODE = { AUTH_MODE: "token", JWT_SECRET, API_KEY: "unit-auth-frame-api-key" };
const TOKEN_EXPIRED = 4001;

function mint(claims: Record<string, unknown>, secret = JWT_SECRET): Promise<string> {
  const nowSeconds = Math.floor(Date.now() / 1000);
  return sign({ sub: "alice", rooms: ["room-under-test"], exp: nowSeconds + 600, ...claims }, secret, "HS256");
}

/** Lets WebCrypto's verification and the reply-order slot settle. */
async function answered(ws: { sent: unknown[] }, count: number): Promise<void> {
  for (let turn = 0; turn < 50 && ws.sent.length < count; turn++) await settle();
}

function alice(overrides = {}) {
  return connect({ userId: "alice", capabilities: ["publish", "subscribe", "presence", "direct"], tokenExpiresAtMs: Date.now() + 60_000, ...overrides });
}

describe("Inbound auth frame", () => {
  it("acks a token for the same user and room and replaces capabilities and expiry", async () => {
    const { host, frame } = inboundRoom(TOKEN_MODE);
    const ws = alice();
    const exp = Math.floor(Date.now() / 1000) + 3_600;
    frame(ws, { type: "auth", id: "r1", token: await mint({ exp, can: ["subscribe", "subscribe", "presence"] }) });
    await answered(ws, 1);
    expect(ws.frames()).toEqual([{ type: "ack", id: "r1" }]);
    expect(ws.storedState()).toMatchObject({ userId: "alice", capabilities: ["subscribe", "presence"], tokenExpiresAtMs: exp * 1000 });
    expect(host.expiryWatches).toEqual([exp * 1000]);
  });

  it("makes a revoked capability take effect for the frames after the ack", async () => {
    const { host, frame } = inboundRoom(TOKEN_MODE);
    const ws = alice();
    frame(ws, { type: "auth", id: "r1", token: await mint({ can: ["subscribe"] }) });
    await answered(ws, 1);
    frame(ws, { type: "publish", id: "p1", data: "after" });
    await answered(ws, 2);
    expect(ws.frames()[1]).toMatchObject({ type: "error", code: "forbidden", id: "p1" });
    expect(host.primary.items).toEqual([]);
  });

  it("accepts a token without `can` as every connection capability (never admin)", async () => {
    const { frame } = inboundRoom(TOKEN_MODE);
    const ws = alice({ capabilities: ["subscribe"] });
    frame(ws, { type: "auth", id: "r1", token: await mint({ can: undefined }) });
    await answered(ws, 1);
    expect(ws.storedState()?.capabilities).toEqual(["publish", "subscribe", "presence", "direct"]);
    frame(ws, { type: "auth", id: "r2", token: await mint({ can: ["admin", "publish"] }) });
    await answered(ws, 2);
    expect(ws.storedState()?.capabilities).toEqual(["publish"]);
  });

  const refusals: Array<[string, () => Promise<unknown>, string, string]> = [
    ["another user's token", () => mint({ sub: "mallory" }), "forbidden", "token is for another user"],
    ["a token for another room", () => mint({ rooms: ["elsewhere-*"] }), "forbidden", "token is not for this room"],
    ["garbage", async () => "not.a.jwt", "unauthorized", "malformed token"],
    ["an expired token", () => mint({ exp: Math.floor(Date.now() / 1000) - 5 }), "unauthorized", "token expired"],
    ["a token signed with another secret", () => mint({}, "another-secret"), "unauthorized", "bad token signature"],
    ["a ticket", () => mint({ tkt: 1, jti: "t1", sexp: Math.floor(Date.now() / 1000) + 600 }), "unauthorized", "tickets go in ?ticket="],
  ];
  for (const [label, token, code, message] of refusals) {
    it(`refuses ${label} with ${code} and keeps the old grant`, async () => {
      const { host, frame } = inboundRoom(TOKEN_MODE);
      const ws = alice();
      const before = readSocketState(ws);
      frame(ws, { type: "auth", id: "r1", token: await token() });
      await answered(ws, 1);
      expect(ws.frames()).toEqual([{ type: "error", code, message, id: "r1" }]);
      expect(ws.storedState()).toEqual(before);
      expect(ws.closes).toEqual([]);
      expect(host.expiryWatches).toEqual([]);
    });
  }

  for (const token of [undefined, 42, "", "x".repeat(8_193)]) {
    it(`answers bad_request to an auth frame whose token is ${JSON.stringify(token)?.slice(0, 12)}, and stays open`, async () => {
      const { frame } = inboundRoom(TOKEN_MODE);
      const ws = alice();
      frame(ws, { type: "auth", id: "r1", token });
      await answered(ws, 1);
      expect(ws.frames()).toEqual([expect.objectContaining({ type: "error", code: "bad_request", id: "r1" })]);
      expect(ws.closes).toEqual([]);
    });
  }

  it("extends a connection that came in with a ticket: the token replaces the ticket's grant", async () => {
    const { frame } = inboundRoom(TOKEN_MODE);
    const ws = alice({ capabilities: ["subscribe"], tokenExpiresAtMs: Date.now() + 5_000 });
    const exp = Math.floor(Date.now() / 1000) + 900;
    frame(ws, { type: "auth", token: await mint({ exp, can: ["subscribe", "publish"] }) });
    for (let turn = 0; turn < 50 && ws.storedState()?.tokenExpiresAtMs !== exp * 1000; turn++) await settle();
    expect(ws.storedState()).toMatchObject({ capabilities: ["subscribe", "publish"], tokenExpiresAtMs: exp * 1000 });
    // No id: no ack.
    expect(ws.sent).toEqual([]);
  });

  it("closes with 4001 when the old token ran out while the new one was being checked", async () => {
    const { frame } = inboundRoom(TOKEN_MODE);
    const ws = alice({ tokenExpiresAtMs: Date.now() - 1 });
    frame(ws, { type: "auth", id: "r1", token: await mint({}) });
    for (let turn = 0; turn < 50 && ws.closes.length === 0; turn++) await settle();
    expect(ws.closes).toEqual([{ code: TOKEN_EXPIRED, reason: "token expired" }]);
    expect(ws.frames()).toEqual([]);
  });

  it("acks and changes nothing in AUTH_MODE=open, where connections hold no token", async () => {
    const { host, frame } = inboundRoom({ AUTH_MODE: "open" });
    const ws = connect();
    const before = readSocketState(ws);
    frame(ws, { type: "auth", id: "r1", token: "anything.at.all" });
    await answered(ws, 1);
    expect(ws.frames()).toEqual([{ type: "ack", id: "r1" }]);
    expect(ws.storedState()).toEqual(before);
    expect(host.expiryWatches).toEqual([]);
  });

  it("keeps the reply order: an auth answer comes after the pong of an earlier ping and before a later one", async () => {
    const { frame } = inboundRoom(TOKEN_MODE);
    const ws = alice();
    const token = await mint({});
    frame(ws, { type: "ping", id: "before" });
    frame(ws, { type: "auth", id: "r1", token });
    frame(ws, { type: "ping", id: "after" });
    await answered(ws, 3);
    expect(ws.frames().map((f) => f.id)).toEqual(["before", "r1", "after"]);
  });
});
