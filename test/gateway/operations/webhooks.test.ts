/**
 * @module webhooks.test
 * Occupancy webhooks against a real receiver (node:http): a single room and a 4-shard room each
 * report `room_occupied`, `member_added`, `member_removed` and `room_vacated` exactly once per
 * transition (three tabs are one user), every request signed and verifiable with the docs'
 * recipe; a receiver that answers 500 to the first three deliveries gets the same events (same
 * ids) later, none lost. The rooms recount every 2 s (OCCUPANCY_CHECK_SECONDS), so the tests
 * also show that periodic checks send no event twice.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OccupancyEvent } from "../../../src/shared/occupancy-events";
import { connectV1, settle, type TestClient } from "../../helpers/clients";
import { startGateway, type Gateway } from "../../helpers/gateway";
import { countOf, kindsOf, startWebhookReceiver, type WebhookReceiver } from "../../helpers/webhook-receiver";

const SECRET = "whsec-test-5f0c";
const SHARDS = 4;
const CHECK_SECONDS = 2;

let receiver: WebhookReceiver;
let gateway: Gateway;

beforeAll(async () => {
  receiver = await startWebhookReceiver(SECRET);
  gateway = await startGateway({
    vars: {
      WEBHOOK_URL: receiver.url,
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_RETRY_SECONDS: 1,
      OCCUPANCY_CHECK_SECONDS: CHECK_SECONDS,
      CONNECT_RATE_LIMIT: "off",
      ROOM_POLICIES: JSON.stringify([{ match: "ops-big-*", shards: SHARDS }]),
    },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await receiver?.close();
});

/** The docs' verification recipe (docs/operations.md), with node:crypto only. */
function verifiedByDocsRecipe(secret: string, body: string, timestamp: string | null, signature: string | null): boolean {
  if (!timestamp || !signature) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return signature.split(",").some((entry) => {
    const [scheme, hex] = entry.trim().split("=");
    return scheme === "v1" && hex !== undefined && hex.length === expected.length && timingSafeEqual(Buffer.from(hex), Buffer.from(expected));
  });
}

/** Each transition once: one occupied first, one vacated last, every user added and removed once. */
function expectEachTransitionOnce(events: OccupancyEvent[], users: string[]): void {
  expect(countOf(events, "room_occupied")).toBe(1);
  expect(countOf(events, "room_vacated")).toBe(1);
  expect(events[0]!.type).toBe("room_occupied");
  expect(events[events.length - 1]).toMatchObject({ type: "room_vacated", connections: 0, users: 0 });
  const added = events.filter((e) => e.type === "member_added").map((e) => e.userId);
  const removed = events.filter((e) => e.type === "member_removed").map((e) => e.userId);
  expect([...added].sort()).toEqual([...users].sort());
  expect([...removed].sort()).toEqual([...users].sort());
  for (let i = 1; i < events.length; i++) expect(events[i]!.n).toBeGreaterThan(events[i - 1]!.n);
  for (const user of users) {
    const addedAt = events.findIndex((e) => e.type === "member_added" && e.userId === user);
    const removedAt = events.findIndex((e) => e.type === "member_removed" && e.userId === user);
    expect(addedAt).toBeLessThan(removedAt);
  }
}

const closeAll = (clients: TestClient[]) => clients.forEach((client) => client.close(1000));

describe("occupancy webhooks", () => {
  it("reports a single room's transitions once each, signed", async () => {
    const room = "ops-single";
    // Three tabs of alice are one user; an anonymous connection is its own user (its connection id).
    const tabs = await Promise.all([0, 1, 2].map(() => connectV1(`${gateway.wsUrl}/rooms/${room}?user=alice`)));
    const bob = await connectV1(`${gateway.wsUrl}/rooms/${room}?user=bob`);
    const anonymous = await connectV1(`${gateway.wsUrl}/rooms/${room}`);
    const anonymousId = anonymous.welcome.connectionId as string;
    const users = ["alice", "bob", anonymousId];
    const joined = await receiver.waitFor(room, (events) => countOf(events, "member_added") === 3, "three members added");
    expect(kindsOf(joined)[0]).toBe("room_occupied");
    expect(joined.every((event) => event.room === room && typeof event.id === "string")).toBe(true);

    // alice closes two of her three tabs: still a member, no event.
    tabs[0]!.client.close(1000);
    tabs[1]!.client.close(1000);
    bob.client.close(1000);
    await receiver.waitFor(room, (events) => countOf(events, "member_removed") === 1, "bob removed");
    await settle(CHECK_SECONDS * 1000 + 1500);
    expect(kindsOf(receiver.eventsOf(room)).filter((kind) => kind.startsWith("member_removed"))).toEqual(["member_removed:bob"]);

    closeAll([tabs[2]!.client, anonymous.client]);
    const events = await receiver.waitFor(room, (all) => countOf(all, "room_vacated") === 1, "room vacated");
    // A few recounts later, still nothing twice.
    await settle(CHECK_SECONDS * 1000 + 1500);
    expect(receiver.eventsOf(room)).toEqual(events);
    expectEachTransitionOnce(events, users);
    expect(receiver.accepted().filter((event) => event.room === room)).toHaveLength(events.length);

    const requests = receiver.deliveries.filter((delivery) => delivery.events.some((event) => event.room === room));
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) {
      expect(request.verified).toBe(true);
      expect(verifiedByDocsRecipe(SECRET, request.body, request.timestamp, request.signature)).toBe(true);
      expect(verifiedByDocsRecipe("another-secret", request.body, request.timestamp, request.signature)).toBe(false);
      expect(verifiedByDocsRecipe(SECRET, request.body.replace("ops-single", "ops-singlE"), request.timestamp, request.signature)).toBe(false);
    }
  });

  it("reports a 4-shard room with 40 connections once, from its primary", async () => {
    const room = "ops-big-lobby";
    const users = Array.from({ length: 20 }, (_, i) => `player-${i}`);
    // Two connections per user, placed on shards at random.
    const clients = await Promise.all(users.flatMap((user) => [0, 1].map(() => connectV1(`${gateway.wsUrl}/rooms/${room}?user=${user}`))));
    await receiver.waitFor(room, (events) => countOf(events, "member_added") === users.length, "20 members added");
    const info = await (await fetch(`${gateway.httpUrl}/rooms/${room}/info`)).json();
    expect(info.connections).toBe(40);
    expect(info.shards.filter((n: number) => n > 0).length).toBeGreaterThan(1);
    await settle(CHECK_SECONDS * 1000 + 1500);
    expect(countOf(receiver.eventsOf(room), "member_added")).toBe(users.length);

    closeAll(clients.map((c) => c.client));
    const events = await receiver.waitFor(room, (all) => countOf(all, "room_vacated") === 1, "room vacated");
    await settle(CHECK_SECONDS * 1000 + 1500);
    expect(receiver.eventsOf(room)).toEqual(events);
    expectEachTransitionOnce(events, users);
    expect(events.filter((event) => event.type === "member_added").every((event) => event.connections > 0)).toBe(true);
  });

  it("vacates a deleted room and keeps its event numbers increasing after the wipe", async () => {
    const room = "ops-wiped";
    const first = await connectV1(`${gateway.wsUrl}/rooms/${room}?user=frank`);
    await receiver.waitFor(room, (events) => countOf(events, "member_added") === 1, "frank added");
    const deleted = await fetch(`${gateway.httpUrl}/rooms/${room}`, { method: "DELETE" });
    expect(deleted.status).toBe(200);
    const vacated = await receiver.waitFor(room, (events) => countOf(events, "room_vacated") === 1, "room vacated by the delete");
    expect(kindsOf(vacated)).toEqual(["room_occupied", "member_added:frank", "member_removed:frank", "room_vacated"]);
    const again = await connectV1(`${gateway.wsUrl}/rooms/${room}?user=frank`);
    const events = await receiver.waitFor(room, (all) => countOf(all, "room_occupied") === 2, "occupied again after the wipe");
    expect(kindsOf(events).slice(4)).toEqual(["room_occupied", "member_added:frank"]);
    for (let i = 1; i < events.length; i++) expect(events[i]!.n).toBeGreaterThan(events[i - 1]!.n);
    again.client.close(1000);
    await receiver.waitFor(room, (all) => countOf(all, "room_vacated") === 2, "vacated again");
  });

  it("delivers the same events later when the receiver answers 500 to the first three deliveries", async () => {
    const room = "ops-flaky";
    const first = receiver.deliveries.length;
    receiver.answer = (index) => (index < first + 3 ? 500 : 200);
    try {
      const clients = await Promise.all(["carol", "dave"].map((user) => connectV1(`${gateway.wsUrl}/rooms/${room}?user=${user}`)));
      await receiver.waitFor(room, (events) => countOf(events, "member_added") === 2, "both members added after the failures", 30_000);
      closeAll(clients.map((c) => c.client));
      const events = await receiver.waitFor(room, (all) => countOf(all, "room_vacated") === 1, "room vacated", 30_000);
      expectEachTransitionOnce(events, ["carol", "dave"]);

      const failed = receiver.deliveries.slice(first, first + 3);
      expect(failed.map((delivery) => delivery.status)).toEqual([500, 500, 500]);
      const failedIds = new Set(failed.flatMap((delivery) => delivery.events.map((event) => event.id)));
      expect(failedIds.size).toBeGreaterThan(0);
      const acceptedIds = new Set(receiver.accepted().map((event) => event.id));
      for (const id of failedIds) expect(acceptedIds.has(id)).toBe(true);
      // Retried deliveries carry the very same events (ids, numbers, counts).
      const byId = new Map(receiver.accepted().map((event) => [event.id, event]));
      for (const event of failed.flatMap((delivery) => delivery.events)) expect(byId.get(event.id)).toEqual(event);
    } finally {
      receiver.answer = () => 200;
    }
  }, 60_000);
});
