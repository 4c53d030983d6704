/**
 * @module dead-letters.test
 * A receiver that never answers 2xx: each delivery is retried (WEBHOOK_RETRY_SECONDS=0 here, so
 * the queue's max_retries run out in seconds), then the report goes to the dead-letter queue,
 * whose consumer logs every one of its events (`event_dead` with the event id): nothing is
 * dropped silently. The room itself is unaffected and the directory is still kept.
 */
import { afterAll, describe, expect, it } from "vitest";
import { connectV1 } from "../../helpers/clients";
import { startGateway, type Gateway } from "../../helpers/gateway";
import { waitUntil } from "../../helpers/sdk";
import { startWebhookReceiver, type WebhookReceiver } from "../../helpers/webhook-receiver";

const SECRET = "whsec-dead-3c1d";
/** wrangler.toml: max_retries = 10, so 11 attempts before the dead-letter queue. */
const ATTEMPTS = 11;

let gateway: Gateway | undefined;
let receiver: WebhookReceiver | undefined;

afterAll(async () => {
  await gateway?.stop();
  await receiver?.close();
});

describe("dead-lettered webhooks", () => {
  it("logs every event of a delivery that failed each attempt", async () => {
    receiver = await startWebhookReceiver(SECRET);
    receiver.answer = () => 503;
    gateway = await startGateway({ vars: { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: SECRET, WEBHOOK_RETRY_SECONDS: 0 } });
    const { client } = await connectV1(`${gateway.wsUrl}/rooms/ops-dead?user=erin`);
    await waitUntil(() => receiver!.deliveries.length >= 1, "a first delivery", 15_000);
    const ids = receiver.deliveries[0]!.events.map((event) => event.id);
    expect(ids.length).toBe(2); // room_occupied, member_added
    await waitUntil(() => ids.every((id) => gateway!.output().includes(`"eventId":"${id}"`)), "every event logged as dead", 60_000, () => gateway!.output().slice(-2000));
    const attempts = receiver.deliveries.filter((delivery) => delivery.events.some((event) => event.id === ids[0])).length;
    expect(attempts).toBe(ATTEMPTS);
    const deadLines = gateway.output().split("\n").filter((line) => line.includes('"event":"event_dead"'));
    expect(deadLines.some((line) => line.includes('"type":"member_added"') && line.includes('"room":"ops-dead"'))).toBe(true);
    // The directory was kept all along.
    const listing = await (await fetch(`${gateway.httpUrl}/rooms?prefix=ops-dead`)).json();
    expect(listing.rooms).toMatchObject([{ room: "ops-dead", connections: 1, users: 1 }]);
    client.close(1000);
  }, 90_000);
});
