import { describe, expect, it } from "vitest";
import { CloseCode } from "../../../src/shared/close-codes";
import { connect, connectV1, expectClose, framesOf, settle, waitForFrame } from "../../helpers/clients";
import { createTicket } from "../../helpers/http-api";
import { useGateway } from "../../helpers/use-gateway";
import { rawUpgrade } from "../../helpers/raw-socket";
import { API_KEY, JWT_SECRET, algNoneToken, mintToken, tamperedToken, tokenModeVars } from "../../helpers/tokens";

const ALLOWED_ORIGIN = "https://app.example";

describe("connection tokens", () => {
  const gateway = useGateway({ ...tokenModeVars, ALLOWED_ORIGINS: ALLOWED_ORIGIN }, { own: true });
  const seen: string[] = [];
  const url = (room: string, query = "") => `${gateway.wsUrl}/rooms/${room}${query}`;

  async function refusedWith(query: string, what: string) {
    const client = await connect(url("secure", query));
    return expectClose(client, what);
  }

  const failures: Array<[string, () => Promise<string | undefined>, string]> = [
    ["a missing token", async () => undefined, "token required"],
    ["a tampered token", tamperedToken, "bad token signature"],
    ["an alg:none token", async () => algNoneToken(), "token must be HS256"],
    ["a token signed with another secret", () => mintToken({ secret: "not-the-secret" }), "bad token signature"],
    ["an expired token", () => mintToken({ exp: Math.floor(Date.now() / 1000) - 10 }), "token expired"],
    ["a token without exp", () => mintToken({ exp: null }), "token has no exp"],
    ["garbage", async () => "not.a.jwt", "malformed token"],
    ["a token without sub", () => mintToken({ extra: { sub: 5 } }), "token has no sub"],
  ];
  for (const [label, make, reason] of failures) {
    it(`closes ${label} with 4001 and a reason saying why`, async () => {
      const token = await make();
      if (token) seen.push(token);
      const close = await refusedWith(token ? `?token=${encodeURIComponent(token)}` : "", label);
      expect(close).toEqual({ code: CloseCode.unauthorized, reason });
    });
  }

  it("closes a token for another room with 4003", async () => {
    const token = await mintToken({ rooms: ["lobby-*"] });
    seen.push(token);
    expect(await refusedWith(`?token=${token}`, "token for lobby-*")).toEqual({ code: CloseCode.forbidden, reason: "token is not for this room" });
    const ok = await connectV1(url("lobby-7", `?token=${token}`));
    expect(ok.welcome.userId).toBe("alice");
    ok.client.close();
  });

  it("accepts the token from a subprotocol entry without echoing it", async () => {
    const token = await mintToken({ sub: "sub-proto" });
    seen.push(token);
    const { client, welcome } = await connectV1(url("secure"), { protocols: [`roomcast.token.${token}`] });
    expect(client.ws.protocol).toBe("roomcast.v1");
    expect(welcome.userId).toBe("sub-proto");
    client.close();
  });

  it("accepts the token from Authorization: Bearer", async () => {
    const token = await mintToken({ sub: "bearer" });
    seen.push(token);
    const { client, welcome } = await connectV1(url("secure"), { headers: { Authorization: `Bearer ${token}` } });
    expect(welcome.userId).toBe("bearer");
    client.close();
  });

  it("accepts the token from ?token=", async () => {
    const token = await mintToken({ sub: "query" });
    seen.push(token);
    const { client, welcome } = await connectV1(url("secure", `?token=${token}`));
    expect(welcome.userId).toBe("query");
    client.close();
  });

  it("ignores identity headers and ?user= sent by the client", async () => {
    const token = await mintToken({ sub: "alice", can: ["subscribe"] });
    seen.push(token);
    const { client, welcome } = await connectV1(url("secure", `?token=${token}&user=mallory`), {
      headers: { "x-roomcast-user": "mallory", "x-roomcast-can": "publish,direct", "X-Roomcast-Token-Exp": "99999999999999" },
    });
    expect(welcome.userId).toBe("alice");
    client.ws.send(JSON.stringify({ type: "publish", data: "x", id: "p" }));
    expect(await waitForFrame(client, (f) => f.type === "error", "forbidden publish")).toMatchObject({ code: "forbidden", id: "p" });
    client.close();
  });

  it("refuses publish, direct and presence without the capability, relaying nothing", async () => {
    const readOnly = await mintToken({ sub: "reader", can: ["subscribe"] });
    const full = await mintToken({ sub: "writer" });
    seen.push(readOnly, full);
    const reader = await connectV1(url("caps", `?token=${readOnly}`));
    const writer = await connectV1(url("caps", `?token=${full}`));
    reader.client.ws.send(JSON.stringify({ type: "publish", data: "no", id: "1" }));
    reader.client.ws.send(JSON.stringify({ type: "direct", to: writer.welcome.connectionId, data: "no", id: "2" }));
    reader.client.ws.send(JSON.stringify({ type: "presence", state: { no: true } }));
    reader.client.ws.send(JSON.stringify({ type: "subscribe", topics: ["t"] }));
    reader.client.ws.send(JSON.stringify({ type: "ping", id: "done" }));
    await waitForFrame(reader.client, (f) => f.type === "pong", "pong after the refused frames");
    const errors = framesOf(reader.client).filter((f) => f.type === "error");
    expect(errors.map((e) => e.code)).toEqual(["forbidden", "forbidden", "forbidden"]);
    await settle(150);
    expect(framesOf(writer.client).filter((f) => ["message", "direct"].includes(f.type) || f.updated)).toEqual([]);
    writer.client.ws.send(JSON.stringify({ type: "publish", data: "yes", topic: "t" }));
    await waitForFrame(reader.client, (f) => f.type === "message" && f.data === "yes", "subscribe still allowed");
    reader.client.close();
    writer.client.close();
  });

  it("closes a live connection with 4001 when its token expires", async () => {
    const token = await mintToken({ sub: "short", ttlSeconds: 2 });
    seen.push(token);
    const { client } = await connectV1(url("expiry", `?token=${token}`));
    client.ws.send(JSON.stringify({ type: "ping" }));
    const close = await expectClose(client, "expiry of a 2 s token", 8_000);
    expect(close).toEqual({ code: CloseCode.unauthorized, reason: "token expired" });
  });

  it("answers a foreign Origin with 403 before upgrading, and lets the allowed one in", async () => {
    const token = await mintToken();
    seen.push(token);
    const foreign = await rawUpgrade(gateway.port, `/rooms/secure?token=${token}`, { Origin: "https://evil.example" });
    expect(foreign.responseHead).toMatch(/^HTTP\/1\.1 403/);
    foreign.destroy();
    const allowed = await connectV1(url("secure", `?token=${token}`), { origin: ALLOWED_ORIGIN });
    allowed.client.close();
  });

  it("redeems a ticket once, and refuses a used or expired one with 4001", async () => {
    const mint = (claims: object) => createTicket(gateway.httpUrl, "ticketed", API_KEY, claims);
    const ticket = await mint({ sub: "browser-user", can: ["subscribe", "publish"] });
    seen.push(ticket);
    const first = await connectV1(url("ticketed", `?ticket=${ticket}`));
    expect(first.welcome.userId).toBe("browser-user");
    const again = await connect(url("ticketed", `?ticket=${ticket}`));
    expect(await expectClose(again, "second use of the ticket")).toEqual({ code: CloseCode.unauthorized, reason: "ticket already used" });
    const asToken = await connect(url("ticketed", `?token=${ticket}`));
    expect((await expectClose(asToken, "ticket passed as a token")).code).toBe(CloseCode.unauthorized);
    const otherRoom = await connect(url("elsewhere", `?ticket=${await mint({})}`));
    expect((await expectClose(otherRoom, "ticket for another room")).code).toBe(CloseCode.forbidden);
    const shortLived = await mint({ ttlSeconds: 1 });
    await new Promise((r) => setTimeout(r, 2_100));
    const late = await connect(url("ticketed", `?ticket=${shortLived}`));
    expect(await expectClose(late, "expired ticket")).toEqual({ code: CloseCode.unauthorized, reason: "token expired" });
    first.client.close();
  });

  it("never writes a secret, API key, token or message body to its logs", async () => {
    const token = await mintToken({ sub: "logger" });
    seen.push(token);
    const { client } = await connectV1(url("logs", `?token=${token}`));
    const body = "top-secret-message-body-91c2";
    client.ws.send(JSON.stringify({ type: "publish", data: body }));
    client.ws.send("{broken");
    await expectClose(client, "1007 for the broken frame");
    await fetch(`${gateway.httpUrl}/rooms/logs/messages`, { method: "POST", headers: { Authorization: `Bearer ${API_KEY}`, "Content-Type": "application/json" }, body: JSON.stringify({ data: body }) });
    await fetch(`${gateway.httpUrl}/rooms/logs/messages`, { method: "POST", headers: { Authorization: "Bearer wrong-key-123" }, body: "{}" });
    // Bodies that fail to parse (their parser's message would echo them), and refused credentials on every transport.
    const asKey = { Authorization: `Bearer ${API_KEY}`, "Content-Type": "application/json" };
    await fetch(`${gateway.httpUrl}/publish`, { method: "POST", headers: asKey, body: `{"messages":[${body}` });
    await fetch(`${gateway.httpUrl}/rooms/logs/tickets`, { method: "POST", headers: asKey, body: `${body}}` });
    await fetch(`${gateway.httpUrl}/rooms/logs/messages`, { method: "POST", headers: asKey, body: `{"data":${body}` });
    const wrongToken = await mintToken({ sub: "logger", secret: "another-secret-for-logs" });
    seen.push(wrongToken);
    await fetch(`${gateway.httpUrl}/rooms/logs/events?token=${wrongToken}`, { headers: { Accept: "text/event-stream" } });
    await fetch(`${gateway.httpUrl}/publish`, { method: "POST", headers: { Authorization: `Bearer ${wrongToken}` }, body: "{}" });
    const sockjs = await connect(`${gateway.wsUrl}/sockjs/logs/000/logsession/websocket?token=${wrongToken}`);
    await expectClose(sockjs, "SockJS websocket with a bad token");
    await settle(300);
    const output = gateway.output();
    expect(output).toContain('"event":"connect"');
    for (const secret of [JWT_SECRET, API_KEY, body, "wrong-key-123", ...seen].filter(Boolean)) expect(output, `log output leaked ${secret.slice(0, 12)}…`).not.toContain(secret);
    for (const signature of seen.map((token) => token.split(".")[2]).filter(Boolean)) expect(output).not.toContain(signature);
    for (const line of output.split("\n").filter((l) => l.startsWith('{"level"'))) expect(line, "a log line carries a stack").not.toMatch(/"stack"|\\n\s+at /);
  });
});
