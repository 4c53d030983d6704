/**
 * @module offline-queue.test
 * Acceptance: publishes made while offline are queued, sent after the reconnect, acked once
 * each and delivered once each; an ack lost on the way is never turned into a second message
 * (the SDK resends the same id and the room re-acks it); the queue is bounded.
 */
import { describe, expect, it } from "vitest";
import { RoomClient, type RoomClientError } from "../../../src/client";
import { withTimeout, settle } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { record, waitForState, waitUntil } from "../../helpers/sdk";
import { useSdkClients } from "../../helpers/sdk-clients";

const OFFLINE_PUBLISHES = 50;
const QUEUE_BOUND = 5;
const FAST = { reconnect: { initialDelayMs: 20, maxDelayMs: 200 }, heartbeatIntervalMs: 200, heartbeatTimeoutMs: 600 };
const ACK_WAIT_MS = 10_000;
/** Long enough for a duplicate, had one been published, to reach the observer. */
const DUPLICATE_GRACE_MS = 500;

describe("RoomClient offline queue", () => {
  const gateway = useGateway({ RATE_LIMIT_MESSAGES_PER_SECOND: 100_000 });
  const { proxy, track } = useSdkClients(gateway);
  const client = (room: string, url: string, extra: Partial<ConstructorParameters<typeof RoomClient>[0]> = {}) => {
    const created = new RoomClient({ url, room, ...FAST, ...extra });
    return track(created);
  };

  it(`sends ${OFFLINE_PUBLISHES} publishes made while offline after the reconnect: ${OFFLINE_PUBLISHES} acks, each delivered once`, async () => {
    const observer = client("offline", gateway.wsUrl);
    const observed = record(observer);
    const publisher = client("offline", proxy.wsUrl);
    const published = record(publisher);
    await waitForState(observed, "open", "observer open");
    await waitForState(published, "open", "publisher open");

    const before = published.states.length;
    proxy.refuse(true);
    proxy.cutAll();
    await waitForState(published, "reconnecting", "publisher offline", before);
    const acks = Array.from({ length: OFFLINE_PUBLISHES }, (_, i) => publisher.publish({ n: i }, { topic: "offline" }));
    expect(publisher.queuedMessages).toBe(OFFLINE_PUBLISHES);
    expect(publisher.state).not.toBe("open");

    proxy.refuse(false);
    const seqs = await withTimeout(Promise.all(acks), ACK_WAIT_MS, "acks for the offline publishes");
    expect(new Set(seqs).size).toBe(OFFLINE_PUBLISHES);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    await waitUntil(() => observed.messages.length >= OFFLINE_PUBLISHES, "observer received every offline publish", undefined, () => `got ${observed.messages.length}`);
    await settle(DUPLICATE_GRACE_MS);
    expect(observed.messages.map((m) => m.seq)).toEqual(seqs);
    expect(observed.messages.map((m) => (m.data as { n: number }).n)).toEqual(seqs.map((_, i) => i));
    expect(publisher.queuedMessages).toBe(0);
  });

  it("resends a publish whose ack was lost with the same id, and the room publishes it once", async () => {
    const observer = client("lost-ack", gateway.wsUrl);
    const observed = record(observer);
    const publisher = client("lost-ack", proxy.wsUrl);
    const published = record(publisher);
    await waitForState(observed, "open", "observer open");
    await waitForState(published, "open", "publisher open");

    // The publish reaches the room, the ack does not; the watchdog then replaces the link.
    const before = published.states.length;
    proxy.dropDownstreamAll();
    const ack = publisher.publish("once only");
    await waitUntil(() => observed.messages.length === 1, "the publish reached the room");
    await waitForState(published, "reconnecting", "watchdog noticed the deaf link", before);
    const seq = await withTimeout(ack, ACK_WAIT_MS, "the ack of the resent publish");
    await settle(DUPLICATE_GRACE_MS);
    expect(seq).toBe(observed.messages[0]!.seq);
    expect(observed.messages.map((m) => m.data)).toEqual(["once only"]);
  });

  it(`refuses publish number ${QUEUE_BOUND + 1} while offline with queue_full`, async () => {
    proxy.refuse(true);
    const offline = client("queue-bound", proxy.wsUrl, { maxQueuedMessages: QUEUE_BOUND });
    const seen = record(offline);
    await waitForState(seen, "reconnecting", "never got a connection");
    const queued = Array.from({ length: QUEUE_BOUND }, (_, i) => offline.publish(i));
    const refused = await offline.publish("one too many").then(
      () => undefined,
      (error: RoomClientError) => error,
    );
    expect(refused?.code).toBe("queue_full");
    expect(refused?.message).toMatch(/maxQueuedMessages = 5/);
    proxy.refuse(false);
    expect(await withTimeout(Promise.all(queued), ACK_WAIT_MS, "acks for the queued publishes")).toHaveLength(QUEUE_BOUND);
  });
});
