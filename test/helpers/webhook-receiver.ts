/**
 * @module webhook-receiver
 * A real HTTP receiver for the gateway's occupancy webhooks (node:http on a free local port).
 * Every request is recorded with its body and signature headers and checked with the shared
 * `verifyWebhookSignature` (the docs' recipe). `answer` decides each delivery's status (e.g.
 * 500 for the first three), so tests can make the receiver fail.
 */
import { createServer, type Server } from "node:http";
import type { OccupancyEvent, OccupancyEventType } from "../../src/shared/occupancy-events";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from "../../src/shared/webhook-signature";
import { waitUntil } from "./sdk";

export interface Delivery {
  status: number;
  body: string;
  timestamp: string | null;
  signature: string | null;
  /** Whether the signature verified with the receiver's secret. */
  verified: boolean;
  events: OccupancyEvent[];
}

export interface WebhookReceiver {
  url: string;
  /** Every request, in arrival order, with the status it was answered. */
  deliveries: Delivery[];
  /** Events of the deliveries answered 2xx, in arrival order (duplicates kept). */
  accepted(): OccupancyEvent[];
  /** Accepted events of one room, deduplicated by id (the receiver-side dedupe), in `n` order. */
  eventsOf(room: string): OccupancyEvent[];
  /** Waits until the room's accepted events satisfy `check`. */
  waitFor(room: string, check: (events: OccupancyEvent[]) => boolean, what: string, timeoutMs?: number): Promise<OccupancyEvent[]>;
  /** Decides each delivery's status from its index (0-based over all requests); default 200. */
  answer: (index: number, events: OccupancyEvent[]) => number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = [];
  const receiver: WebhookReceiver = {
    url: "",
    deliveries,
    accepted: () => deliveries.filter((d) => d.status >= 200 && d.status < 300).flatMap((d) => d.events),
    eventsOf(room) {
      const unique = new Map<string, OccupancyEvent>();
      for (const event of receiver.accepted()) if (event.room === room && !unique.has(event.id)) unique.set(event.id, event);
      return [...unique.values()].sort((a, b) => a.n - b.n);
    },
    async waitFor(room, check, what, timeoutMs = 20_000) {
      await waitUntil(() => check(receiver.eventsOf(room)), what, timeoutMs, () => JSON.stringify(receiver.eventsOf(room).map((e) => [e.type, e.userId])));
      return receiver.eventsOf(room);
    },
    answer: () => 200,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const timestamp = request.headers[TIMESTAMP_HEADER.toLowerCase()] as string | undefined;
      const signature = request.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined;
      const verified = await verifyWebhookSignature(secret, body, timestamp ?? null, signature ?? null, Date.now() / 1000);
      let events: OccupancyEvent[] = [];
      try {
        events = (JSON.parse(body) as { events: OccupancyEvent[] }).events;
      } catch {
        // Recorded with no events; the test's assertions on `body` say what arrived.
      }
      const status = receiver.answer(deliveries.length, events);
      deliveries.push({ status, body, timestamp: timestamp ?? null, signature: signature ?? null, verified, events });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  receiver.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hooks`;
  return receiver;
}

/** The kinds of a room's events in order, with the user for member events: `["room_occupied", "member_added:u1", ...]`. */
export function kindsOf(events: readonly OccupancyEvent[]): string[] {
  return events.map((event) => (event.userId === undefined ? event.type : `${event.type}:${event.userId}`));
}

/** How many events of `type` the room had. */
export function countOf(events: readonly OccupancyEvent[], type: OccupancyEventType): number {
  return events.filter((event) => event.type === type).length;
}
