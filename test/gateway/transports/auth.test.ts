import { describe, expect, it } from "vitest";
import { DEFAULT_WAIT_MS, connect, expectClose, withTimeout } from "../../helpers/clients";
import { createTicket } from "../../helpers/http-api";
import { useGateway } from "../../helpers/use-gateway";
import { waitUntil } from "../../helpers/sdk";
import { openSockjs } from "../../helpers/sockjs-client";
import { useSseStreams } from "../../helpers/sse-client";
import { connectStomp } from "../../helpers/stomp-client";
import { API_KEY, mintToken, tokenModeVars } from "../../helpers/tokens";

const ALLOWED_ORIGIN = "http://app.example";

const gateway = useGateway({ ...tokenModeVars, ALLOWED_ORIGINS: ALLOWED_ORIGIN });
const sse = useSseStreams(gateway);

const ticketFor = (room: string) => createTicket(gateway.httpUrl, room, API_KEY, { sub: "tess" });

describe("fallback transports in AUTH_MODE=token", () => {
  it("SSE answers 401 without a token and 403 for a token of another room, as JSON", async () => {
    const none = await sse("auth-sse");
    expect(none.status).toBe(401);
    expect(JSON.parse(none.errorBody!)).toEqual({ error: { code: "unauthorized", message: "token required" } });
    const other = await sse("auth-sse", `?token=${await mintToken({ rooms: ["elsewhere"] })}`);
    expect(other.status).toBe(403);
    expect(JSON.parse(other.errorBody!)).toMatchObject({ error: { code: "forbidden" } });
  });

  it("SSE accepts a token by Authorization header or ?token=, naming the user in the welcome", async () => {
    const token = await mintToken({ sub: "sue", rooms: ["auth-*"] });
    for (const [query, headers] of [[`?token=${token}`, {}], ["", { Authorization: `Bearer ${token}` }]] as const) {
      const stream = await sse("auth-sse-ok", query, headers);
      expect(stream.status).toBe(200);
      expect(JSON.parse((await stream.waitFor((e) => e.event === "welcome", "welcome event")).data)).toMatchObject({ userId: "sue" });
    }
  });

  it("SSE redeems a one-time ticket once; the second use is 401", async () => {
    const ticket = await ticketFor("auth-ticket");
    const first = await sse("auth-ticket", `?ticket=${ticket}`);
    expect(first.status).toBe(200);
    const again = await sse("auth-ticket", `?ticket=${ticket}`);
    expect(again.status).toBe(401);
    expect(JSON.parse(again.errorBody!)).toMatchObject({ error: { message: "ticket already used" } });
  });

  it("SSE and SockJS answer a foreign Origin 403 and echo an allowed one for CORS", async () => {
    const token = await mintToken();
    expect((await sse("auth-origin", `?token=${token}`, { Origin: "https://evil.example" })).status).toBe(403);
    expect((await fetch(`${gateway.httpUrl}/sockjs/auth-origin/info`, { headers: { Origin: "https://evil.example" } })).status).toBe(403);
    const allowed = await sse("auth-origin", `?token=${token}`, { Origin: ALLOWED_ORIGIN });
    expect(allowed.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
  });

  it("SockJS without a token closes the session with 4001, on HTTP and websocket transports", async () => {
    for (const transport of ["xhr-polling", "websocket"] as const) {
      const closed = await openSockjs(`${gateway.httpUrl}/sockjs/auth-sockjs`, transport).then(
        () => ({ code: 0, reason: "opened" }),
        (error: Error) => ({ code: Number(/closed (\d+)/.exec(error.message)?.[1]), reason: error.message }),
      );
      expect(closed.code, `${transport}: ${closed.reason}`).toBe(4001);
    }
  });

  it("SockJS with a token talks to the room as that user", async () => {
    const token = await mintToken({ sub: "sam" });
    const session = await openSockjs(`${gateway.httpUrl}/sockjs/auth-sockjs-ok?token=${token}`, "xhr-streaming");
    const info = (await (await fetch(`${gateway.httpUrl}/rooms/auth-sockjs-ok/info`, { headers: { Authorization: `Bearer ${API_KEY}` } })).json()) as { members: Array<{ userId?: string }> };
    expect(info.members).toEqual([expect.objectContaining({ userId: "sam" })]);
    session.sock.close();
  });

  it("STOMP without a token is closed 4001 like any WebSocket connect", async () => {
    const socket = await connect(`${gateway.wsUrl}/rooms/auth-stomp`, { protocols: ["v12.stomp"] });
    expect((await expectClose(socket, "4001 for a missing token")).code).toBe(4001);
  });

  it("STOMP SEND without the publish capability gets ERROR with its receipt-id, then close 4003", async () => {
    const token = await mintToken({ can: ["subscribe"] });
    const client = await connectStomp(`${gateway.wsUrl}/rooms/auth-stomp-can?token=${token}`);
    client.client.publish({ destination: "/topic/a", body: "not allowed", headers: { receipt: "s1" } });
    await waitUntil(() => client.errors.length > 0, "an ERROR frame");
    expect(client.errors[0]!.headers).toMatchObject({ message: "token does not allow publish", "receipt-id": "s1" });
    expect((await withTimeout(client.closed, DEFAULT_WAIT_MS, "close after ERROR")).code).toBe(4003);
  });
});
