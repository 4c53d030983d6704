/**
 * @module webhooks.test (server SDK)
 * End to end: a gateway with WEBHOOK_URL and WEBHOOK_SECRET posts occupancy events to a
 * node:http receiver that checks them with the server SDK's `verifyWebhook({ body, headers },
 * secret)` exactly as docs/server-sdk.md shows. The receiver gets `room_occupied`,
 * `member_added`, `member_removed` and `room_vacated` for a room; a delivery whose body was
 * changed after signing, or one without a signature, is refused (401 with the SDK's reason).
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyWebhook, WebhookVerificationError, type OccupancyEvent } from "../../../src/server";
import { connectV1 } from "../../helpers/clients";
import { startGateway, type Gateway } from "../../helpers/gateway";
import { waitUntil } from "../../helpers/sdk";

const SECRET = "whsec-sdk-test-9a41";

interface Received {
  body: string;
  headers: IncomingHttpHeaders;
  status: number;
  /** The SDK's refusal reason when it refused. */
  refused?: string;
}

let gateway: Gateway;
let server: Server;
let receiverUrl: string;
const received: Received[] = [];
const events: OccupancyEvent[] = [];

beforeAll(async () => {
  // The node:http receiver of docs/server-sdk.md "Verifying webhooks", recording what it saw.
  server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    try {
      const verified = await verifyWebhook({ body, headers: request.headers }, SECRET);
      events.push(...verified.events);
      received.push({ body, headers: request.headers, status: 204 });
      response.writeHead(204).end();
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      received.push({ body, headers: request.headers, status: 401, refused: error.reason });
      response.writeHead(401).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  receiverUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hooks`;
  gateway = await startGateway({ vars: { WEBHOOK_URL: receiverUrl, WEBHOOK_SECRET: SECRET, WEBHOOK_RETRY_SECONDS: 1, CONNECT_RATE_LIMIT: "off" } });
});

afterAll(async () => {
  await gateway?.stop();
  await new Promise((resolve) => server?.close(resolve));
});

/** The room's verified events, deduplicated by id (as the docs tell receivers to), in `n` order. */
function eventsOf(room: string): OccupancyEvent[] {
  const unique = new Map<string, OccupancyEvent>();
  for (const event of events) if (event.room === room && !unique.has(event.id)) unique.set(event.id, event);
  return [...unique.values()].sort((a, b) => a.n - b.n);
}
const kinds = (room: string) => eventsOf(room).map((event) => (event.userId === undefined ? event.type : `${event.type}:${event.userId}`));

describe("server SDK verifyWebhook against the gateway's webhooks", () => {
  it("the receiver verifies room_occupied, member_added, member_removed and room_vacated for a room", async () => {
    const room = "sdkhook-lobby";
    const alice = await Promise.all([0, 1].map(() => connectV1(`${gateway.wsUrl}/rooms/${room}?user=alice`)));
    const bob = await connectV1(`${gateway.wsUrl}/rooms/${room}?user=bob`);
    await waitUntil(() => kinds(room).length >= 3, "occupied and two members added", 20_000, () => kinds(room).join(" "));
    // Two tabs of alice are one member; the two joins may be reported in either order.
    expect(kinds(room)[0]).toBe("room_occupied");
    expect(kinds(room).slice(1).sort()).toEqual(["member_added:alice", "member_added:bob"]);

    bob.client.close(1000);
    await waitUntil(() => kinds(room).includes("member_removed:bob"), "bob removed", 20_000, () => kinds(room).join(" "));
    for (const tab of alice) tab.client.close(1000);
    await waitUntil(() => kinds(room).includes("room_vacated"), "room vacated", 20_000, () => kinds(room).join(" "));

    const all = kinds(room);
    expect([...all].sort()).toEqual(["member_added:alice", "member_added:bob", "member_removed:alice", "member_removed:bob", "room_occupied", "room_vacated"]);
    expect(all[0]).toBe("room_occupied");
    expect(all.at(-1)).toBe("room_vacated");
    expect(eventsOf(room).at(-1)).toMatchObject({ connections: 0, users: 0 });
    expect(received.filter((delivery) => delivery.body.includes(room)).every((delivery) => delivery.status === 204)).toBe(true);
  });

  it("a delivery whose body was changed after signing, or that has no signature, is refused", async () => {
    const genuine = received.find((delivery) => delivery.status === 204 && delivery.body.includes("sdkhook-lobby"));
    expect(genuine, "a verified delivery to replay").toBeDefined();
    const signatureHeaders = {
      "Content-Type": "application/json",
      "X-Roomcast-Timestamp": String(genuine!.headers["x-roomcast-timestamp"]),
      "X-Roomcast-Signature": String(genuine!.headers["x-roomcast-signature"]),
    };
    const tampered = genuine!.body.replace(/"connections":\d+/, '"connections":999');
    expect(tampered).not.toBe(genuine!.body);
    const before = events.length;

    expect((await fetch(receiverUrl, { method: "POST", headers: signatureHeaders, body: tampered })).status).toBe(401);
    expect(received.at(-1)).toMatchObject({ status: 401, refused: "bad_signature" });
    expect((await fetch(receiverUrl, { method: "POST", headers: { "Content-Type": "application/json" }, body: genuine!.body })).status).toBe(401);
    expect(received.at(-1)).toMatchObject({ status: 401, refused: "missing_signature" });
    // The untouched request still verifies (within the timestamp tolerance): only the change was refused.
    expect((await fetch(receiverUrl, { method: "POST", headers: signatureHeaders, body: genuine!.body })).status).toBe(204);
    expect(events.length).toBeGreaterThan(before);
    expect(events.slice(before).some((event) => event.connections === 999)).toBe(false);
  });
});
