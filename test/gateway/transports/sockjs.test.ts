import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_WAIT_MS, connect, withTimeout, type TestClient } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { openSockjs, type SockjsTestClient, type SockjsTransport } from "../../helpers/sockjs-client";
import { publishHttp } from "../../helpers/http-api";

/** Short heartbeats so an idle poll is answered `h` within about a second. */
const HEARTBEAT_SECONDS = 1;

const gateway = useGateway({ TRANSPORT_HEARTBEAT_SECONDS: HEARTBEAT_SECONDS });
const sessions: SockjsTestClient[] = [];
const sockets: TestClient[] = [];

async function sockjs(room: string, transport: SockjsTransport, query = ""): Promise<SockjsTestClient> {
  const session = await openSockjs(`${gateway.httpUrl}/sockjs/${room}${query}`, transport);
  sessions.push(session);
  return session;
}

async function raw(room: string): Promise<TestClient> {
  const socket = await connect(`${gateway.wsUrl}/rooms/${room}`);
  sockets.push(socket);
  return socket;
}

const post = (path: string, body?: string) => fetch(`${gateway.httpUrl}/sockjs/${path}`, { method: "POST", body });

afterAll(async () => {
  for (const session of sessions) session.sock.close();
  for (const socket of sockets) socket.close();
});

describe("SockJS under /sockjs/:room (sockjs-client)", () => {
  for (const transport of ["websocket", "xhr-streaming", "xhr-polling", "eventsource"] as const) {
    it(`talks both ways with a raw WebSocket peer over ${transport}`, async () => {
      const room = `sockjs-${transport}`;
      const peer = await raw(room);
      const session = await sockjs(room, transport);
      expect((session.sock as unknown as { transport: string }).transport).toBe(transport);
      session.sock.send("from sockjs: 100% ✓");
      await peer.waitForCount(1, `the raw peer to get the ${transport} message`);
      expect(peer.texts()).toEqual(["from sockjs: 100% ✓"]);
      peer.ws.send("from raw");
      await session.waitForMessage("from raw");
      await publishHttp(gateway.httpUrl, room, { px: 1 });
      await session.waitForMessage('{"px":1}');
    });
  }

  it("shares one seq space: SockJS texts are sequenced like raw frames", async () => {
    const peer = await raw("sockjs-seq");
    const session = await sockjs("sockjs-seq", "xhr-polling");
    session.sock.send("first");
    await peer.waitForCount(1, "the SockJS text");
    expect(await publishHttp(gateway.httpUrl, "sockjs-seq", "second")).toBe(2);
  });

  it("passes a kick on as a close frame with 4009", async () => {
    const session = await sockjs("sockjs-kick", "xhr-streaming");
    const info = (await (await fetch(`${gateway.httpUrl}/rooms/sockjs-kick/info`)).json()) as { members: Array<{ connectionId: string }> };
    await fetch(`${gateway.httpUrl}/rooms/sockjs-kick/connections/${info.members[0]!.connectionId}`, { method: "DELETE" });
    expect(await withTimeout(session.closed, DEFAULT_WAIT_MS, "close after the kick")).toEqual({ code: 4009, reason: "kicked" });
  });

  it("answers /info with websocket on, no cookie, fresh entropy and CORS for the Origin", async () => {
    const response = await fetch(`${gateway.httpUrl}/sockjs/sockjs-info/info`, { headers: { Origin: "http://example.test" } });
    expect(response.headers.get("access-control-allow-origin")).toBe("http://example.test");
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(response.headers.get("cache-control")).toBe("no-store, no-cache, must-revalidate, max-age=0");
    expect(await response.json()).toMatchObject({ websocket: true, cookie_needed: false, origins: ["*:*"], entropy: expect.any(Number) });
  });

  it("greets on the base URL and answers preflights for a year", async () => {
    expect(await (await fetch(`${gateway.httpUrl}/sockjs/sockjs-hello`)).text()).toBe("Welcome to SockJS!\n");
    const preflight = await fetch(`${gateway.httpUrl}/sockjs/sockjs-hello/000/abc/xhr`, { method: "OPTIONS", headers: { Origin: "http://example.test" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-methods")).toBe("OPTIONS, POST");
    expect(preflight.headers.get("cache-control")).toMatch(/max-age=31536000/);
  });

  it("opens a polling session with o, answers an idle poll with h and a second poll with c[2010]", async () => {
    expect(await (await post("sockjs-poll/000/s1/xhr")).text()).toBe("o\n");
    // Whichever poll reaches the session first waits (and gets h); the other is turned away.
    const answers = await Promise.all([post("sockjs-poll/000/s1/xhr"), post("sockjs-poll/000/s1/xhr")].map(async (r) => (await r).text()));
    expect(answers.sort()).toEqual(['c[2010,"Another connection still open"]\n', "h\n"]);
  });

  it("answers xhr_send with 404 for an unknown session and 500 for a broken or empty body", async () => {
    expect((await post("sockjs-send/000/nobody/xhr_send", '["x"]')).status).toBe(404);
    expect(await (await post("sockjs-send/000/s2/xhr")).text()).toBe("o\n");
    const broken = await post("sockjs-send/000/s2/xhr_send", '["x');
    expect([broken.status, await broken.text()]).toEqual([500, "Broken JSON encoding."]);
    const empty = await post("sockjs-send/000/s2/xhr_send", "");
    expect([empty.status, await empty.text()]).toEqual([500, "Payload expected."]);
    const sent = await post("sockjs-send/000/s2/xhr_send", '["ok"]');
    expect([sent.status, sent.headers.get("content-type")]).toEqual([204, "text/plain; charset=UTF-8"]);
  });

  it("answers 404 for malformed session paths and transports it does not offer", async () => {
    for (const path of ["sockjs-404/a.b/s/xhr", "sockjs-404/000/s/jsonp", "sockjs-404/000/s/htmlfile", "sockjs-404/000/s/xhr/extra"]) {
      expect((await post(path)).status, path).toBe(404);
    }
  });

  it("closes the websocket transport on broken JSON from the client", async () => {
    const socket = await connect(`${gateway.wsUrl}/sockjs/sockjs-broken/000/ws1/websocket`);
    sockets.push(socket);
    expect((await socket.nextMessage("open frame")).data).toBe("o");
    socket.ws.send('["a');
    expect((await withTimeout(socket.closed, DEFAULT_WAIT_MS, "close after broken JSON")).code).toBe(1007);
  });
});
