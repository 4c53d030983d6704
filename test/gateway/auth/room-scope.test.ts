import { beforeAll, describe, expect, it } from "vitest";
import { CloseCode } from "../../../src/shared/close-codes";
import { connect, expectClose } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { JSON_HEADERS } from "../../helpers/http-api";
import { openSockjs } from "../../helpers/sockjs-client";
import { openSse } from "../../helpers/sse-client";
import { API_KEY, mintToken, tokenModeVars } from "../../helpers/tokens";

/** Every HTTP API route that names a room in its path, for room `room`. */
function apiRoutes(room: string) {
  return [
    { method: "POST", path: `/rooms/${room}/messages`, body: '{"data":"x"}' },
    { method: "GET", path: `/rooms/${room}/messages` },
    { method: "GET", path: `/rooms/${room}/info` },
    { method: "POST", path: `/rooms/${room}/tickets`, body: "{}" },
    { method: "DELETE", path: `/rooms/${room}/connections/0123456789abcdef` },
    { method: "DELETE", path: `/rooms/${room}` },
  ];
}

describe("an admin token's rooms limit every route that names a room", () => {
  const gateway = useGateway(tokenModeVars);
  let teamA: string;
  const asKey = { ...JSON_HEADERS, Authorization: `Bearer ${API_KEY}` };
  const asTeamA = () => ({ ...JSON_HEADERS, Authorization: `Bearer ${teamA}` });
  const historyOf = async (room: string) => ((await (await fetch(`${gateway.httpUrl}/rooms/${room}/messages`, { headers: asKey })).json()) as { messages: Array<{ data: unknown }> }).messages;

  beforeAll(async () => {
    teamA = await mintToken({ sub: "team-a-backend", can: ["admin"], rooms: ["team-a-*"] });
  });

  it("POST /publish: an entry outside the token's rooms is forbidden and not published; the others are", async () => {
    const response = await fetch(`${gateway.httpUrl}/publish`, {
      method: "POST",
      headers: asTeamA(),
      body: JSON.stringify({ messages: [{ room: "team-a-one", data: "a1" }, { room: "team-b-one", data: "intruder" }, { room: "team-a-one", data: "a2" }] }),
    });
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as { results: Array<Record<string, any>> };
    expect(results[0]).toMatchObject({ room: "team-a-one", seq: 1 });
    expect(results[1]).toEqual({ room: "team-b-one", error: { code: "forbidden", message: "token is not for this room" } });
    expect(results[2]).toMatchObject({ room: "team-a-one", seq: 2 });
    expect(await historyOf("team-b-one")).toEqual([]);
    expect((await historyOf("team-a-one")).map((m) => m.data)).toEqual(["a1", "a2"]);
  });

  it("POST /publish with the API key still reaches every room", async () => {
    const response = await fetch(`${gateway.httpUrl}/publish`, { method: "POST", headers: asKey, body: JSON.stringify({ messages: [{ room: "team-b-two", data: "ok" }] }) });
    expect(((await response.json()) as { results: unknown[] }).results).toEqual([{ room: "team-b-two", seq: 1 }]);
  });

  // team-b-two holds one message (published with the key just above): no refusal may change it.
  for (const route of apiRoutes("team-b-two")) {
    it(`${route.method} ${route.path}: 403 forbidden for a token of other rooms, past auth for its own`, async () => {
      const outside = await fetch(`${gateway.httpUrl}${route.path}`, { method: route.method, headers: asTeamA(), body: route.body });
      expect(outside.status).toBe(403);
      expect(await outside.json()).toEqual({ error: { code: "forbidden", message: "token is not for this room" } });
      const own = route.path.replace("team-b-two", "team-a-own");
      const inside = await fetch(`${gateway.httpUrl}${own}`, { method: route.method, headers: asTeamA(), body: route.body });
      expect([200, 201, 202, 404]).toContain(inside.status);
    });
  }

  it("nothing reached the room while refusing: no message added, the room not deleted", async () => {
    expect((await historyOf("team-b-two")).map((m) => m.data)).toEqual(["ok"]);
  });

  it("connections (WebSocket, SSE, SockJS websocket and xhr) with the token are refused outside its rooms", async () => {
    const ws = await connect(`${gateway.wsUrl}/rooms/team-b-one?token=${teamA}`);
    expect(await expectClose(ws, "WebSocket to a room outside the token")).toEqual({ code: CloseCode.forbidden, reason: "token is not for this room" });
    const sse = await openSse(`${gateway.httpUrl}/rooms/team-b-one/events`, { Authorization: `Bearer ${teamA}` });
    expect(sse.status).toBe(403);
    expect(JSON.parse(sse.errorBody!)).toMatchObject({ error: { code: "forbidden" } });
    for (const transport of ["websocket", "xhr-polling"] as const) {
      const closed = await openSockjs(`${gateway.httpUrl}/sockjs/team-b-one?token=${teamA}`, transport).then(
        () => ({ code: 0, reason: "opened" }),
        (error: Error) => ({ code: Number(/closed (\d+)/.exec(error.message)?.[1]), reason: error.message }),
      );
      expect(closed.code, `${transport}: ${closed.reason}`).toBe(CloseCode.forbidden);
    }
  });
});
