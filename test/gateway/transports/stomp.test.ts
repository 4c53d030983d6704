import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_WAIT_MS, connect, connectV1, expectClose, waitForFrame, withTimeout, type TestClient } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { waitUntil } from "../../helpers/sdk";
import { connectStomp, subscribeWithReceipt, type StompTestClient } from "../../helpers/stomp-client";
import { publishHttp } from "../../helpers/http-api";

/** The server's heart-beat offer becomes 1000,1000, so beats show up within a second or two. */
const HEARTBEAT_SECONDS = 1;
const CLIENT_HEARTBEAT_MS = 500;
const HEARTBEAT_WAIT_MS = 5_000;

const gateway = useGateway({ TRANSPORT_HEARTBEAT_SECONDS: HEARTBEAT_SECONDS });
const stomps: StompTestClient[] = [];
const sockets: TestClient[] = [];

async function stomp(room: string, options: Parameters<typeof connectStomp>[1] = {}): Promise<StompTestClient> {
  const client = await connectStomp(`${gateway.wsUrl}/rooms/${room}`, options);
  stomps.push(client);
  return client;
}

afterAll(async () => {
  for (const client of stomps) await client.client.deactivate({ force: true });
  for (const socket of sockets) socket.close();
});

describe("STOMP over GET /rooms/:room (@stomp/stompjs)", () => {
  it("connects as STOMP 1.2 on the v12.stomp subprotocol", async () => {
    const client = await stomp("stomp-connect");
    expect(client.connected.headers).toMatchObject({ version: "1.2", server: "roomcast" });
    expect((client.client.webSocket as unknown as WebSocket).protocol).toBe("v12.stomp");
  });

  it("delivers to a subscriber only its destination, with message-id = seq", async () => {
    const client = await stomp("stomp-topics");
    await subscribeWithReceipt(client, "/topic/quotes.AAPL", "sub-1");
    await publishHttp(gateway.httpUrl, "stomp-topics", { px: 1 }, "quotes.MSFT");
    await publishHttp(gateway.httpUrl, "stomp-topics", "untopiced");
    const seq = await publishHttp(gateway.httpUrl, "stomp-topics", { px: 101.5 }, "quotes.AAPL");
    await client.waitForMessages(1, "the AAPL quote");
    const [message] = client.messages;
    expect(message!.headers).toMatchObject({ "message-id": String(seq), destination: "/topic/quotes.AAPL", "content-type": "application/json" });
    expect(message!.headers.subscription).toBeDefined();
    expect(JSON.parse(message!.body)).toEqual({ px: 101.5 });
    expect(client.messages).toHaveLength(1);
  });

  it("sends with a receipt; raw and v1 clients in the room get the sequenced message", async () => {
    const client = await stomp("stomp-send");
    await subscribeWithReceipt(client, "/topic/chat", "sub-chat");
    const { client: v1 } = await connectV1(`${gateway.wsUrl}/rooms/stomp-send`);
    const raw = await connect(`${gateway.wsUrl}/rooms/stomp-send`);
    sockets.push(v1, raw);
    const receipt = new Promise<void>((resolve) => client.client.watchForReceipt("send-1", () => resolve()));
    client.client.publish({ destination: "/topic/chat", body: "hello from stomp", headers: { receipt: "send-1" } });
    await withTimeout(receipt, DEFAULT_WAIT_MS, "RECEIPT send-1 for SEND");
    const frame = await waitForFrame(v1, (f) => f.type === "message", "the v1 client's message");
    expect(frame).toMatchObject({ topic: "chat", data: "hello from stomp" });
    await raw.waitForCount(1, "the raw client's message");
    expect(raw.texts()).toEqual(["hello from stomp"]);
    // Like a broker, a STOMP client subscribed to the destination also gets its own SEND.
    await client.waitForMessages(1, "the echo of its own SEND");
    expect(client.messages[0]!.headers["message-id"]).toBe(String(frame.seq));
  });

  it("answers garbage with an ERROR frame, then closes with 1007", async () => {
    const client = await stomp("stomp-garbage");
    client.client.webSocket!.send("this is not a STOMP frame\n\n\0");
    await waitUntil(() => client.errors.length > 0, "an ERROR frame");
    expect(client.errors[0]!.headers.message).toBe("unknown command");
    expect((await withTimeout(client.closed, DEFAULT_WAIT_MS, "close after ERROR")).code).toBe(1007);
  });

  it("negotiates heart-beats in CONNECTED and sends them while idle", async () => {
    const client = await stomp("stomp-heartbeat", { heartbeatIncoming: CLIENT_HEARTBEAT_MS, heartbeatOutgoing: CLIENT_HEARTBEAT_MS });
    expect(client.connected.headers["heart-beat"]).toBe(`${HEARTBEAT_SECONDS * 1000},${HEARTBEAT_SECONDS * 1000}`);
    await waitUntil(() => client.debug.includes("<<< PONG"), "a heart-beat from the server", HEARTBEAT_WAIT_MS);
    expect(client.client.connected).toBe(true);
  });

  it("answers DISCONNECT with its RECEIPT, then closes normally", async () => {
    const client = await stomp("stomp-disconnect");
    const disconnected = new Promise<void>((resolve) => (client.client.onDisconnect = () => resolve()));
    await client.client.deactivate();
    await withTimeout(disconnected, DEFAULT_WAIT_MS, "the RECEIPT for DISCONNECT");
    expect((await withTimeout(client.closed, DEFAULT_WAIT_MS, "close after DISCONNECT")).code).toBe(1000);
  });

  it("passes a kick on as ERROR and close 4009", async () => {
    const client = await stomp("stomp-kick");
    const info = (await (await fetch(`${gateway.httpUrl}/rooms/stomp-kick/info`)).json()) as { members: Array<{ connectionId: string }> };
    expect(info.members.map((m) => m.connectionId)).toEqual([client.connected.headers.session]);
    await fetch(`${gateway.httpUrl}/rooms/stomp-kick/connections/${client.connected.headers.session}`, { method: "DELETE" });
    expect((await withTimeout(client.closed, DEFAULT_WAIT_MS, "close after the kick")).code).toBe(4009);
    expect(client.errors[0]?.headers.message).toBe("kicked");
  });

  it("speaks STOMP 1.0 to a client that offers only v10.stomp", async () => {
    const socket = await connect(`${gateway.wsUrl}/rooms/stomp-10`, { protocols: ["v10.stomp"] });
    sockets.push(socket);
    expect(socket.ws.protocol).toBe("v10.stomp");
    socket.ws.send("CONNECT\nlogin:guest\n\n\0");
    const connected = await socket.nextMessage("CONNECTED");
    expect(connected.data).toMatch(/^CONNECTED\n(.*\n)*version:1\.0\n/);
    socket.ws.send("SUBSCRIBE\ndestination:/topic/a\n\n\0SEND\ndestination:/topic/a\nreceipt:r\n\nhi\0");
    await socket.waitForCount(3, "MESSAGE and RECEIPT");
    expect(socket.texts().some((t) => t.startsWith("MESSAGE\n") && t.includes("subscription:/topic/a\n"))).toBe(true);
    socket.ws.send("DISCONNECT\n\n\0");
    expect((await expectClose(socket, "close after DISCONNECT")).code).toBe(1000);
  });
});
