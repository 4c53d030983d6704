/**
 * @module lifecycle.test
 * RoomClient against the real gateway: state events, delivery, publish acks, reconnect after a
 * cut link, and the long backoff after 1013 (room full).
 */
import { describe, expect, it } from "vitest";
import { RoomClient } from "../../../src/client";
import { CloseCode } from "../../../src/shared/close-codes";
import { settle } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { record, waitForState, waitUntil } from "../../helpers/sdk";
import { useSdkClients } from "../../helpers/sdk-clients";
import { publishHttp } from "../../helpers/http-api";

/** Two sockets per room, so a third one is refused with 1013. */
const MAX_CONNECTIONS = 2;
const FAST_RECONNECT = { initialDelayMs: 20, maxDelayMs: 200 };
const LONG_BACKOFF_FLOOR_MS = 3_000;
const DELIVERY_COUNT = 20;

describe("RoomClient lifecycle", () => {
  const gateway = useGateway({ MAX_CONNECTIONS_PER_ROOM: MAX_CONNECTIONS });
  const { proxy, track } = useSdkClients(gateway);
  const client = (options: Partial<ConstructorParameters<typeof RoomClient>[0]> & { room: string }) => {
    const created = new RoomClient({ url: gateway.wsUrl, reconnect: FAST_RECONNECT, ...options });
    return track(created);
  };

  it("emits connecting, then open with the connection id, then closed with 1000 on close()", async () => {
    const sdk = client({ room: "life-states" });
    const seen = record(sdk);
    const open = await waitForState(seen, "open", "first connection opened");
    expect(open.connectionId).toBe(sdk.connectionId);
    expect(typeof open.connectionId).toBe("string");
    sdk.close();
    expect(seen.states.map((change) => change.state)).toEqual(["connecting", "open", "closed"]);
    expect(seen.states.at(-1)).toMatchObject({ code: CloseCode.normal });
  });

  it("delivers HTTP publishes once each, in seq order, with their fields", async () => {
    const sdk = client({ room: "life-deliver" });
    const seen = record(sdk);
    await waitForState(seen, "open", "subscriber open");
    const seqs = [];
    for (let i = 0; i < DELIVERY_COUNT; i++) seqs.push(await publishHttp(gateway.httpUrl, "life-deliver", { i }, i % 2 ? "odd" : undefined));
    await waitUntil(() => seen.messages.length >= seqs.length, `${DELIVERY_COUNT} messages delivered`, undefined, () => `got ${seen.messages.length}`);
    expect(seen.messages.map((m) => m.seq)).toEqual(seqs);
    expect(seen.messages[1]).toMatchObject({ topic: "odd", from: "api", data: { i: 1 } });
    expect(typeof seen.messages[0]!.ts).toBe("number");
  });

  it("resolves publish() with the ack's seq, and a peer receives that seq", async () => {
    const publisher = client({ room: "life-publish" });
    const peer = client({ room: "life-publish" });
    const peerSeen = record(peer);
    await waitForState(peerSeen, "open", "peer open");
    const seq = await publisher.publish({ hello: "room" }, { topic: "greetings" });
    await waitUntil(() => peerSeen.messages.length === 1, "peer received the publish");
    expect(peerSeen.messages[0]).toMatchObject({ seq, topic: "greetings", data: { hello: "room" }, from: publisher.connectionId });
  });

  it("rejects a publish the room would close the connection for (undefined data) and stays open", async () => {
    const sdk = client({ room: "life-bad-publish" });
    const seen = record(sdk);
    await waitForState(seen, "open", "connection before the bad publish");
    await expect(sdk.publish(undefined)).rejects.toMatchObject({ code: "bad_request" });
    expect(await sdk.publish("fine")).toBeGreaterThan(0);
    expect(seen.states.map((change) => change.state)).toEqual(["connecting", "open"]);
  });

  it("reports reconnecting with 1006 when the link is cut, then opens again", async () => {
    const sdk = client({ room: "life-cut", url: proxy.wsUrl });
    const seen = record(sdk);
    await waitForState(seen, "open", "first connection through the proxy");
    const before = seen.states.length;
    expect(proxy.cutAll()).toBeGreaterThan(0);
    const reconnecting = await waitForState(seen, "reconnecting", "reconnecting after the cut", before);
    expect(reconnecting.code).toBe(1006);
    expect(reconnecting.delayMs).toBeLessThanOrEqual(FAST_RECONNECT.initialDelayMs);
    await waitForState(seen, "open", "open again after the cut", before);
  });

  it("stops for good when kicked (4009) and rejects what was still queued", async () => {
    const sdk = client({ room: "life-kick", url: proxy.wsUrl });
    const seen = record(sdk);
    await waitForState(seen, "open", "connection to be kicked");
    const acceptedBefore = proxy.accepted;
    const kicked = await fetch(`${gateway.httpUrl}/rooms/life-kick/connections/${sdk.connectionId}`, { method: "DELETE" });
    expect(kicked.status).toBe(200);
    const closed = await waitForState(seen, "closed", "closed after the kick");
    expect(closed.code).toBe(CloseCode.kicked);
    await expect(sdk.publish("too late")).rejects.toMatchObject({ code: "closed" });
    await settle(FAST_RECONNECT.maxDelayMs * 2);
    expect(proxy.accepted).toBe(acceptedBefore);
  });

  it("reconnects after the room is deleted (1001) and reports the new epoch as not recovered", async () => {
    const sdk = client({ room: "life-wiped" });
    const seen = record(sdk);
    await waitForState(seen, "open", "connection before the wipe");
    await publishHttp(gateway.httpUrl, "life-wiped", "old epoch");
    await waitUntil(() => seen.messages.length === 1, "message of the old epoch");
    const oldEpoch = sdk.position?.epoch;
    const before = seen.states.length;
    expect((await fetch(`${gateway.httpUrl}/rooms/life-wiped`, { method: "DELETE" })).status).toBe(200);
    expect((await waitForState(seen, "reconnecting", "reconnecting after the wipe", before)).code).toBe(CloseCode.goingAway);
    await waitForState(seen, "open", "open in the new epoch", before);
    expect(seen.resumes.at(-1)).toMatchObject({ recovered: false, epochChanged: true });
    expect(sdk.position?.epoch).not.toBe(oldEpoch);
    const seq = await publishHttp(gateway.httpUrl, "life-wiped", "new epoch");
    await waitUntil(() => seen.messages.length === 2, "first message of the new epoch");
    expect(seen.messages[1]).toMatchObject({ seq, data: "new epoch" });
  });

  it("waits the long 1013 backoff when the room is full, and never stops retrying", async () => {
    const occupants = [client({ room: "life-full" }), client({ room: "life-full" })];
    await Promise.all(occupants.map((occupant) => waitForState(record(occupant), "open", "occupant open")));
    const late = client({ room: "life-full", reconnect: { ...FAST_RECONNECT, tryAgainLaterMinDelayMs: LONG_BACKOFF_FLOOR_MS } });
    const seen = record(late);
    const refused = await waitForState(seen, "reconnecting", "a 1013 from the full room");
    expect(refused.code).toBe(CloseCode.tryAgainLater);
    expect(refused.delayMs).toBeGreaterThanOrEqual(LONG_BACKOFF_FLOOR_MS);
    occupants[0]!.close();
    await waitForState(seen, "open", "admitted once a place was free", 0, LONG_BACKOFF_FLOOR_MS + 5_000);
  });
});
