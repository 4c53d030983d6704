import { beforeAll, describe, expect, it } from "vitest";
import { connectV1 } from "../../helpers/clients";
import { answerOf, answerProblems, upgradeAnswer, type Answer, type OpenApiDocument } from "../../helpers/openapi-doc";
import { API_KEY, mintToken } from "../../helpers/tokens";
import { useGateway } from "../../helpers/use-gateway";
import { ALLOWED_ORIGIN, AWAITING_HANDLERS, OPENAPI_GATEWAY_VARS } from "./openapi-vars";

/**
 * Every documented operation, called for real: each answer's status must be one the document
 * lists for it, its body must conform to the documented schema and an error's code must be among
 * the operation's x-error-codes. The last test checks every operation's success was seen.
 */
describe("real answers match the OpenAPI document", () => {
  const gateway = useGateway(OPENAPI_GATEWAY_VARS);
  let document: OpenApiDocument;
  const seen = new Set<string>();
  const key = { Authorization: `Bearer ${API_KEY}` };
  const json = { ...key, "Content-Type": "application/json" };
  let scopedAdmin: Record<string, string>;
  let notAdmin: Record<string, string>;
  let connectToken: string;
  let foreignToken: string;

  beforeAll(async () => {
    document = (await (await fetch(`${gateway.httpUrl}/openapi.json`)).json()) as OpenApiDocument;
    scopedAdmin = { Authorization: `Bearer ${await mintToken({ can: ["admin"], rooms: ["oa-*"] })}`, "Content-Type": "application/json" };
    notAdmin = { Authorization: `Bearer ${await mintToken({ rooms: ["*"] })}`, "Content-Type": "application/json" };
    connectToken = await mintToken({ rooms: ["oa-*"] });
    foreignToken = await mintToken({ rooms: ["elsewhere"] });
  });

  /** Asserts the status and that the answer is the documented one. */
  async function expectAnswer(method: string, template: string, answer: Answer | Promise<Answer>, status: number): Promise<Answer> {
    const got = await answer;
    expect(got.status, `${method} ${template}: ${got.body?.slice(0, 300)}`).toBe(status);
    expect(answerProblems(document, method, template, got)).toEqual([]);
    seen.add(`${method} ${template} ${status}`);
    return got;
  }
  const call = (path: string, init: RequestInit = {}) => fetch(`${gateway.httpUrl}${path}`, init).then((response) => answerOf(response));
  const stream = (path: string, init: RequestInit = {}) => fetch(`${gateway.httpUrl}${path}`, init).then((response) => answerOf(response, response.status !== 200));

  it("GET /healthz and GET /openapi.json", async () => {
    await expectAnswer("GET", "/healthz", call("/healthz"), 200);
    await expectAnswer("GET", "/openapi.json", call("/openapi.json"), 200);
  });

  it("POST /rooms/{room}/messages: 202, 400, 401, 403, 413", async () => {
    const t = "/rooms/{room}/messages";
    const post = (room: string, body: BodyInit, headers: Record<string, string> = json) => call(`/rooms/${room}/messages`, { method: "POST", headers, body });
    await expectAnswer("POST", t, post("oa-pub", JSON.stringify({ data: { n: 1 }, topic: "t", id: "m1" })), 202);
    await expectAnswer("POST", t, post("oa-pub", "plain words", { ...key, "Content-Type": "text/plain" }), 202);
    for (const bad of ["{}", "nope", "[1]", '{"data":1,"topic":5}', '{"data":1,"id":""}']) {
      const answer = await expectAnswer("POST", t, post("oa-pub", bad), 400);
      expect(answer.body, bad).not.toMatch(/Invalid (type|key)/);
    }
    expect(JSON.parse((await post("oa-pub", "[1]")).body!).error.message).toBe("body must be a JSON object");
    await expectAnswer("POST", t, post("bad!room", '{"data":1}'), 400);
    await expectAnswer("POST", t, post("oa-pub", '{"data":1}', { "Content-Type": "application/json" }), 401);
    await expectAnswer("POST", t, post("oa-pub", '{"data":1}', { Authorization: "Bearer guessed" }), 401);
    await expectAnswer("POST", t, post("elsewhere", '{"data":1}', scopedAdmin), 403);
    await expectAnswer("POST", t, post("oa-pub", '{"data":1}', notAdmin), 403);
    await expectAnswer("POST", t, post("oa-pub", JSON.stringify({ data: "x".repeat(2000) })), 413);
    // Without Content-Length the cap is enforced while the body streams in.
    const chunks = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode(JSON.stringify({ data: "y".repeat(3000) }))), c.close()) });
    await expectAnswer("POST", t, call("/rooms/oa-pub/messages", { method: "POST", headers: json, body: chunks, duplex: "half" } as RequestInit), 413);
  });

  it("GET /rooms/{room}/messages: 200, 400, 401, 403", async () => {
    const t = "/rooms/{room}/messages";
    await expectAnswer("GET", t, call("/rooms/oa-pub/messages", { headers: key }), 200);
    const page = await expectAnswer("GET", t, call("/rooms/oa-pub/messages?since=1&limit=1", { headers: key }), 200);
    expect(JSON.parse(page.body!).messages).toHaveLength(1);
    for (const query of ["since=x", "limit=-1", "since=1&since=2", "limit=1e3"]) {
      const answer = await expectAnswer("GET", t, call(`/rooms/oa-pub/messages?${query}`, { headers: key }), 400);
      expect(JSON.parse(answer.body!).error.message, query).toBe("since and limit must be whole numbers");
    }
    await expectAnswer("GET", t, call("/rooms/bad!room/messages", { headers: key }), 400);
    await expectAnswer("GET", t, call("/rooms/oa-pub/messages"), 401);
    await expectAnswer("GET", t, call("/rooms/elsewhere/messages", { headers: scopedAdmin }), 403);
  });

  it("POST /publish: 200 with per-entry results, 400, 401, 403, 413", async () => {
    const t = "/publish";
    const entries = [{ room: "oa-batch", data: 1 }, { room: "elsewhere", data: 1 }, { room: "bad!", data: 1 }, { room: "oa-batch" }, { room: "oa-batch", data: "x".repeat(2000) }, 7];
    const answer = await expectAnswer("POST", t, call(t, { method: "POST", headers: scopedAdmin, body: JSON.stringify({ messages: entries }) }), 200);
    expect(JSON.parse(answer.body!).results.map((r: { seq?: number; error?: { code: string } }) => r.error?.code ?? "ok")).toEqual(["ok", "forbidden", "invalid_room", "bad_request", "payload_too_large", "invalid_room"]);
    for (const bad of ["{}", "[]", '{"messages":[]}', "nope"]) await expectAnswer("POST", t, call(t, { method: "POST", headers: json, body: bad }), 400);
    await expectAnswer("POST", t, call(t, { method: "POST", body: '{"messages":[]}' }), 401);
    await expectAnswer("POST", t, call(t, { method: "POST", headers: notAdmin, body: '{"messages":[{"room":"oa-batch","data":1}]}' }), 403);
    await expectAnswer("POST", t, call(t, { method: "POST", headers: json, body: JSON.stringify({ messages: [{ room: "oa-batch", data: "z".repeat(110_000) }] }) }), 413);
  });

  it("GET /rooms/{room}/info, DELETE /rooms/{room}: 200, 400, 401, 403", async () => {
    for (const [method, t, path, ok] of [["GET", "/rooms/{room}/info", "/info", 200], ["DELETE", "/rooms/{room}", "", 200]] as const) {
      await expectAnswer(method, t, call(`/rooms/oa-pub${path}`, { method, headers: key }), ok);
      await expectAnswer(method, t, call(`/rooms/bad!room${path}`, { method, headers: key }), 400);
      await expectAnswer(method, t, call(`/rooms/oa-pub${path}`, { method }), 401);
      await expectAnswer(method, t, call(`/rooms/elsewhere${path}`, { method, headers: scopedAdmin }), 403);
    }
  });

  it("POST /rooms/{room}/tickets: 201, 400, 401, 403, 413", async () => {
    const t = "/rooms/{room}/tickets";
    const post = (body: string, headers: Record<string, string> = json, room = "oa-ticket") => call(`/rooms/${room}/tickets`, { method: "POST", headers, body });
    await expectAnswer("POST", t, post(JSON.stringify({ sub: "ann", can: ["subscribe"], ttlSeconds: 60 })), 201);
    await expectAnswer("POST", t, post(""), 201);
    for (const bad of ['{"ttlSeconds":0}', '{"can":["admin"]}', '{"sub":5}', "[1]", "nope", '{"sessionSeconds":1.5}']) {
      const answer = await expectAnswer("POST", t, post(bad), 400);
      expect(answer.body, bad).not.toMatch(/Invalid (type|key)/);
    }
    await expectAnswer("POST", t, post(JSON.stringify({ sub: "s".repeat(5000) })), 413);
    await expectAnswer("POST", t, post("{}", {}), 401);
    await expectAnswer("POST", t, post("{}", scopedAdmin, "elsewhere"), 403);
  });

  it("DELETE /rooms/{room}/connections/{id}: 200, 404, 401, 403", async () => {
    const t = "/rooms/{room}/connections/{id}";
    const { client, welcome } = await connectV1(`${gateway.wsUrl}/rooms/oa-kick?token=${connectToken}`);
    await expectAnswer("DELETE", t, call(`/rooms/oa-kick/connections/${welcome.connectionId}`, { method: "DELETE", headers: key }), 200);
    await expectAnswer("DELETE", t, call(`/rooms/oa-kick/connections/${welcome.connectionId}`, { method: "DELETE", headers: key }), 404);
    await expectAnswer("DELETE", t, call("/rooms/oa-kick/connections/NOT-AN-ID", { method: "DELETE", headers: key }), 404);
    await expectAnswer("DELETE", t, call("/rooms/oa-kick/connections/0123456789abcdef", { method: "DELETE" }), 401);
    client.ws.terminate();
    await expectAnswer("DELETE", t, call("/rooms/elsewhere/connections/0123456789abcdef", { method: "DELETE", headers: scopedAdmin }), 403);
  });

  it("GET /rooms/{room} (WebSocket upgrade): 101, 400, 403, 426", async () => {
    const t = "/rooms/{room}";
    const port = gateway.port;
    await expectAnswer("GET", t, upgradeAnswer(port, `/rooms/oa-ws?token=${connectToken}`, { "Sec-WebSocket-Protocol": "roomcast.v1" }), 101);
    // Auth is told after the upgrade, as a close code: still a 101.
    await expectAnswer("GET", t, upgradeAnswer(port, "/rooms/oa-ws"), 101);
    await expectAnswer("GET", t, call("/rooms/oa-ws"), 426);
    // Another Sec-WebSocket-Version is refused by the runtime itself (workerd answers 426 in text/plain
    // before the Worker runs), so only the status is the document's here.
    expect((await upgradeAnswer(port, "/rooms/oa-ws", { "Sec-WebSocket-Version": "12" })).status).toBe(426);
    // (A malformed Sec-WebSocket-Key never reaches the Worker locally: workerd does the handshake. Unit-tested in handshake.test.ts.)
    await expectAnswer("GET", t, upgradeAnswer(port, "/rooms/oa-ws", { "Sec-WebSocket-Protocol": Array.from({ length: 40 }, (_, i) => `p${i}`).join(", ") }), 400);
    await expectAnswer("GET", t, upgradeAnswer(port, `/rooms/oa-ws?topics=${Array.from({ length: 20 }, (_, i) => `t${i}`.padEnd(250, "x")).join(",")}`), 400);
    await expectAnswer("GET", t, upgradeAnswer(port, "/rooms/bad!room"), 400);
    await expectAnswer("GET", t, upgradeAnswer(port, "/rooms/oa-ws", { Origin: "https://evil.example" }), 403);
  });

  it("GET /rooms/{room}/events (SSE): 200, 400, 401, 403", async () => {
    const t = "/rooms/{room}/events";
    await expectAnswer("GET", t, stream(`/rooms/oa-sse/events?token=${connectToken}`, { headers: { Origin: ALLOWED_ORIGIN } }), 200);
    await expectAnswer("GET", t, stream("/rooms/oa-sse/events?since=abc"), 400);
    await expectAnswer("GET", t, stream("/rooms/bad!room/events"), 400);
    await expectAnswer("GET", t, stream("/rooms/oa-sse/events"), 401);
    await expectAnswer("GET", t, stream(`/rooms/oa-sse/events?token=${foreignToken}`), 403);
    await expectAnswer("GET", t, stream(`/rooms/oa-sse/events?token=${connectToken}`, { headers: { Origin: "https://evil.example" } }), 403);
  });

  it("SockJS: greeting, info, preflights, transports, websocket", async () => {
    const session = "/sockjs/oa-s/1/abc";
    await expectAnswer("GET", "/sockjs/{room}", call("/sockjs/oa-s"), 200);
    await expectAnswer("GET", "/sockjs/{room}/", call("/sockjs/oa-s/"), 200);
    await expectAnswer("GET", "/sockjs/{room}/info", call("/sockjs/oa-s/info"), 200);
    await expectAnswer("GET", "/sockjs/{room}/info", call("/sockjs/bad!room/info"), 400);
    await expectAnswer("GET", "/sockjs/{room}/info", call("/sockjs/oa-s/info", { headers: { Origin: "https://evil.example" } }), 403);
    await expectAnswer("OPTIONS", "/sockjs/{room}/info", call("/sockjs/oa-s/info", { method: "OPTIONS", headers: { Origin: ALLOWED_ORIGIN } }), 204);
    const transport = "/sockjs/{room}/{server}/{session}/{transport}";
    await expectAnswer("POST", transport, call(`${session}/xhr?token=${connectToken}`, { method: "POST" }), 200);
    await expectAnswer("POST", transport, call(`${session}-none/xhr_send`, { method: "POST", body: '["x"]' }), 404);
    await expectAnswer("POST", transport, call(`${session}/nope`, { method: "POST" }), 404);
    await expectAnswer("GET", transport, stream(`${session}-es/eventsource?token=${connectToken}`), 200);
    await expectAnswer("GET", transport, call(`${session}/xhr`), 405);
    await expectAnswer("OPTIONS", transport, call(`${session}/xhr`, { method: "OPTIONS", headers: { Origin: ALLOWED_ORIGIN } }), 204);
    const websocket = "/sockjs/{room}/{server}/{session}/websocket";
    await expectAnswer("GET", websocket, upgradeAnswer(gateway.port, `${session}-ws/websocket?token=${connectToken}`), 101);
    await expectAnswer("GET", websocket, call(`${session}/websocket`), 426);
    await expectAnswer("GET", websocket, upgradeAnswer(gateway.port, "/sockjs/oa-s/1/a.b/websocket"), 404);
  });

  it("GET /rooms and POST /rooms/{room}/drain: 200/202, 400, 401, 403", async () => {
    await expectAnswer("GET", "/rooms", call("/rooms?prefix=oa-&limit=10", { headers: key }), 200);
    await expectAnswer("GET", "/rooms", call("/rooms?limit=0", { headers: key }), 400);
    await expectAnswer("GET", "/rooms", call("/rooms?cursor=not-ours", { headers: key }), 400);
    await expectAnswer("GET", "/rooms", call("/rooms"), 401);
    await expectAnswer("GET", "/rooms", call("/rooms", { headers: notAdmin }), 403);
    await expectAnswer("GET", "/rooms", call("/rooms?prefix=zz", { headers: scopedAdmin }), 403);
    const d = "/rooms/{room}/drain";
    const drain = (room: string, body: string | undefined, headers: Record<string, string> = json) => call(`/rooms/${room}/drain`, { method: "POST", headers, body });
    await expectAnswer("POST", d, drain("oa-drain", '{"overMs":0}'), 202);
    await expectAnswer("POST", d, drain("oa-drain", undefined), 202);
    for (const bad of ['{"overMs":-1}', '{"overMS":5}', "[1]", "nope"]) await expectAnswer("POST", d, drain("oa-drain", bad), 400);
    await expectAnswer("POST", d, drain("bad!room", "{}"), 400);
    await expectAnswer("POST", d, drain("oa-drain", "{}", { "Content-Type": "application/json" }), 401);
    await expectAnswer("POST", d, drain("elsewhere", "{}", scopedAdmin), 403);
    await expectAnswer("POST", d, drain("oa-drain", JSON.stringify({ overMs: 1, pad: "x".repeat(8_000) })), 413);
    const all = (body: string | undefined, headers: Record<string, string> = json) => call("/admin/drain", { method: "POST", headers, body });
    // A prefix no live room has: the answer's shape without draining other files' rooms.
    await expectAnswer("POST", "/admin/drain", all('{"prefix":"oa-none-","overMs":0}'), 202);
    for (const bad of ['{"overMs":-1}', '{"prefix":"bad!"}', '{"rooms":1}', "[1]"]) await expectAnswer("POST", "/admin/drain", all(bad), 400);
    await expectAnswer("POST", "/admin/drain", all("{}", { "Content-Type": "application/json" }), 401);
    await expectAnswer("POST", "/admin/drain", all('{"prefix":"zz"}', scopedAdmin), 403);
  });

  it("every documented operation was seen succeeding", () => {
    const awaiting = new Set(AWAITING_HANDLERS);
    const missing: string[] = [];
    for (const [template, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const route = `${method.toUpperCase()} ${template}`;
        const success = Object.keys(operation.responses).find((status) => /^(1|2)/.test(status))!;
        if (!awaiting.has(route) && !seen.has(`${route} ${success}`)) missing.push(`${route} ${success}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
