/**
 * @module presence-direct.test
 * Presence and direct messages through the SDK against the real gateway: `members` follows
 * joins, state updates and leaves; presence state is restored after a reconnect; direct
 * messages reach only their target; subscribe() brings the latest message of a topic.
 */
import { describe, expect, it } from "vitest";
import { RoomClient, type Member } from "../../../src/client";
import { useGateway } from "../../helpers/use-gateway";
import { record, waitForState, waitUntil } from "../../helpers/sdk";
import { useSdkClients } from "../../helpers/sdk-clients";
import { publishHttp } from "../../helpers/http-api";

const FAST = { reconnect: { initialDelayMs: 20, maxDelayMs: 200 }, heartbeatIntervalMs: 500, heartbeatTimeoutMs: 1_000 };

describe("RoomClient presence, direct and topics", () => {
  const gateway = useGateway();
  const { proxy, track } = useSdkClients(gateway);
  const client = (room: string, url = gateway.wsUrl, topics?: string[]) => {
    const created = new RoomClient({ url, room, topics, ...FAST });
    return track(created);
  };
  const stateOf = (members: Member[], connectionId: string | undefined) => members.find((member) => member.connectionId === connectionId)?.state;

  it("tracks members' presence state and restores its own after a reconnect", async () => {
    const watcher = client("sdk-presence");
    await waitForState(record(watcher), "open", "watcher open");
    const player = client("sdk-presence", proxy.wsUrl);
    const playerSeen = record(player);
    await waitForState(playerSeen, "open", "player open");
    player.setPresence({ ready: true });
    await waitUntil(() => (stateOf(watcher.members, player.connectionId) as { ready?: boolean })?.ready === true, "the watcher saw the player's state");

    const before = playerSeen.states.length;
    const oldId = player.connectionId;
    proxy.cutAll();
    await waitForState(playerSeen, "open", "player back after the cut", before);
    expect(player.connectionId).not.toBe(oldId);
    await waitUntil(() => (stateOf(watcher.members, player.connectionId) as { ready?: boolean })?.ready === true, "the player's state restored on its new connection");
    await waitUntil(() => !watcher.members.some((member) => member.connectionId === oldId), "the old connection left the watcher's list");
  });

  it("delivers a direct message to its target only", async () => {
    const [sender, target, bystander] = [client("sdk-direct"), client("sdk-direct"), client("sdk-direct")];
    const targetSeen: unknown[] = [];
    const bystanderSeen: unknown[] = [];
    target.on("direct", (message) => targetSeen.push(message));
    bystander.on("direct", (message) => bystanderSeen.push(message));
    await waitUntil(() => [sender, target, bystander].every((c) => c.state === "open"), "three clients open");
    expect(sender.direct(target.connectionId!, { secret: 1 })).toBe(true);
    await waitUntil(() => targetSeen.length === 1, "the target received the direct message");
    expect(targetSeen[0]).toMatchObject({ from: sender.connectionId, data: { secret: 1 } });
    expect(bystanderSeen).toEqual([]);
  });

  it("gets the latest message of a topic as a snapshot on subscribe, then live ones", async () => {
    await publishHttp(gateway.httpUrl, "sdk-topics", { px: 1 }, "AAPL");
    await publishHttp(gateway.httpUrl, "sdk-topics", { px: 2 }, "AAPL");
    const quotes = client("sdk-topics", gateway.wsUrl, ["MSFT"]);
    const seen = record(quotes);
    await waitForState(seen, "open", "subscriber open");
    quotes.subscribe(["AAPL"]);
    await waitUntil(() => seen.messages.length === 1, "the AAPL snapshot");
    expect(seen.messages[0]).toMatchObject({ topic: "AAPL", data: { px: 2 }, snapshot: true });
    const live = await publishHttp(gateway.httpUrl, "sdk-topics", { px: 3 }, "AAPL");
    await publishHttp(gateway.httpUrl, "sdk-topics", { other: true }, "GOOG");
    // A subscribed topic published last: once it is here, GOOG (in between) would have been too.
    await publishHttp(gateway.httpUrl, "sdk-topics", { fence: true }, "MSFT");
    await waitUntil(() => seen.messages.length >= 3, "the live AAPL and MSFT messages");
    expect(seen.messages.map((m) => m.topic)).toEqual(["AAPL", "AAPL", "MSFT"]);
    expect(seen.messages[1]).toMatchObject({ seq: live, data: { px: 3 } });
    expect(seen.messages[1]!.snapshot).toBeUndefined();
  });
});
