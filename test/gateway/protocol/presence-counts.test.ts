/**
 * @module presence-counts.test
 * Count-only presence above a room's list size (docs/protocol.md §8, presence-mode.ts) on the real gateway,
 * with `presenceListMaxMembers` 5 (lists again at 4): below it joins and leaves come as diffs;
 * above it a welcome says `"presence":"counts"` with the right memberCount and no list, the
 * others get count frames (no per-join diffs); falling to 4 sends the whole list and diffs
 * resume. The same on a sharded room (the primary decides on the logical room's size), and
 * through the SDK (`memberCount`, presence event `mode`).
 */
import { afterAll, describe, expect, it } from "vitest";
import { RoomClient } from "../../../src/client";
import { connect, connectV1, expectClose, framesOf, waitForFrame, type Frame, type TestClient } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { record, waitUntil } from "../../helpers/sdk";

const LIST_MAX = 5;
const POLICIES = [
  { match: "crowd-*", presenceListMaxMembers: LIST_MAX },
  { match: "sharded-crowd-*", shards: 3, presenceListMaxMembers: LIST_MAX },
];

const presenceFrames = (client: TestClient, from = 0) => framesOf(client).slice(from).filter((f) => f.type === "presence");
const countsFrame = (memberCount: number) => (f: Frame) => f.type === "presence" && f.presence === "counts" && f.memberCount === memberCount;

/** Walks a room up over the list size, back down through the hysteresis band, and below it. */
async function crossTheBoundary(url: string): Promise<void> {
  const watcher = await connectV1(`${url}?user=watcher`);
  const listed = [];
  for (let i = 1; i < LIST_MAX; i++) listed.push(await connectV1(`${url}?user=u${i}`));
  // Wait for the four listed users by name: the watcher's own join may also come as a diff (on a
  // shard it is announced once the primary has it), so a count of joins could be met early.
  const listedUsers = listed.map((_, i) => `u${i + 1}`);
  const joinedUsers = () => new Set(presenceFrames(watcher.client).flatMap((f) => f.joined ?? []).map((m: Frame) => m.userId));
  await waitForFrame(watcher.client, () => listedUsers.every((user) => joinedUsers().has(user)), "four joins as diffs");
  const fifth = listed[LIST_MAX - 2]!.welcome;
  expect(fifth.presence).toBeUndefined();
  expect(fifth.memberCount).toBe(LIST_MAX);
  expect(fifth.members).toHaveLength(LIST_MAX);

  const mark = framesOf(watcher.client).length;
  const over = [];
  for (let i = LIST_MAX; i < LIST_MAX + 3; i++) over.push(await connectV1(`${url}?user=u${i}`));
  expect(over[0]!.welcome).toMatchObject({ presence: "counts", members: [], memberCount: LIST_MAX + 1, userCount: LIST_MAX + 1 });
  expect(over[0]!.welcome.users).toBeUndefined();
  expect(over[2]!.welcome).toMatchObject({ presence: "counts", members: [], memberCount: LIST_MAX + 3 });
  await waitForFrame(watcher.client, countsFrame(LIST_MAX + 3), "a count frame with 8 members");
  await waitForFrame(over[0]!.client, countsFrame(LIST_MAX + 3), "the counting newcomer's count frame");

  // Down to the list size: still counting (the band), then to 4: the whole list once.
  for (const client of over) client.client.close(1000);
  await waitForFrame(watcher.client, countsFrame(LIST_MAX), "a count frame with 5 members");
  expect(presenceFrames(watcher.client, mark).filter((f) => f.joined || f.left || f.presence === "list")).toEqual([]);
  listed[LIST_MAX - 2]!.client.close(1000);
  const list = await waitForFrame(watcher.client, (f) => f.type === "presence" && f.presence === "list", "the whole list at 4 members");
  expect(list.memberCount).toBe(LIST_MAX - 1);
  expect(list.members.map((m: Frame) => m.userId).sort()).toEqual(["u1", "u2", "u3", "watcher"]);

  const again = await connectV1(`${url}?user=again`);
  expect(again.welcome.presence).toBeUndefined();
  expect(again.welcome.members).toHaveLength(LIST_MAX);
  await waitForFrame(watcher.client, (f) => f.type === "presence" && f.joined?.some((m: Frame) => m.userId === "again"), "a join as a diff again");
  for (const client of [watcher, ...listed, again]) client.client.close();
}

describe("count-only presence above presenceListMaxMembers", () => {
  const gateway = useGateway({ ROOM_POLICIES: JSON.stringify(POLICIES) });
  const sdkClients: RoomClient[] = [];
  afterAll(async () => {
    for (const client of sdkClients) client.close();
  });

  it("sends diffs up to the list size, counts above it, and the whole list again below the band", async () => {
    await crossTheBoundary(`${gateway.wsUrl}/rooms/crowd-one`);
  });

  it("decides on a sharded room's whole size, across shards", async () => {
    await crossTheBoundary(`${gateway.wsUrl}/rooms/sharded-crowd-one`);
  });

  it("counts a welcome from the room as it is: tabs of one user are one user, departed sockets are gone", async () => {
    const url = `${gateway.wsUrl}/rooms/crowd-tally`;
    const first: Awaited<ReturnType<typeof connectV1>>[] = [];
    // Seven connections: three tabs of one user and four others, five users.
    for (let i = 0; i < LIST_MAX + 2; i++) first.push(await connectV1(`${url}?user=${i < 3 ? "tabs" : `t${i}`}`));
    const late = await connectV1(`${url}?user=late`);
    expect(late.welcome).toMatchObject({ presence: "counts", members: [], memberCount: LIST_MAX + 3, userCount: 6 });
    // Two of the tabs and t3 leave: the tabs' user stays, t3 is gone.
    for (const gone of [first[0]!, first[1]!, first[3]!]) {
      gone.client.close(1000);
      await expectClose(gone.client, "a departing connection");
    }
    const later = await connectV1(`${url}?user=later`);
    expect(later.welcome).toMatchObject({ presence: "counts", members: [], memberCount: LIST_MAX + 1, userCount: LIST_MAX + 1 });
    for (const client of [...first, late, later]) client.client.close();
  });

  it("keeps rooms without the policy listing past five members", async () => {
    const clients = [];
    for (let i = 0; i < LIST_MAX + 2; i++) clients.push(await connectV1(`${gateway.wsUrl}/rooms/lobby-seven?user=u${i}`));
    const last = clients.at(-1)!.welcome;
    expect(last.presence).toBeUndefined();
    expect(last.members).toHaveLength(LIST_MAX + 2);
    for (const client of clients) client.client.close();
  });

  it("gives SDK clients memberCount in either mode and drops the list while counting", async () => {
    const url = `${gateway.wsUrl}/rooms/crowd-sdk`;
    const raw = await Promise.all(Array.from({ length: LIST_MAX + 1 }, (_, i) => connect(`${url}?user=r${i}`)));
    const client = new RoomClient({ url: gateway.wsUrl, room: "crowd-sdk" });
    sdkClients.push(client);
    const seen = record(client);
    await waitUntil(() => seen.presence.length > 0, "the welcome's presence event");
    expect(seen.presence[0]).toMatchObject({ mode: "counts", memberCount: LIST_MAX + 2, members: [], sync: true });
    expect(client.memberCount).toBe(LIST_MAX + 2);
    expect(client.members).toEqual([]);

    const more = await connect(`${url}?user=more`);
    await waitUntil(() => client.memberCount === LIST_MAX + 3, "a count update to 8", undefined, () => `memberCount ${client.memberCount}`);
    expect(seen.presence.at(-1)).toMatchObject({ mode: "counts", memberCount: LIST_MAX + 3, sync: false });

    for (const socket of [more, ...raw.slice(0, 4)]) socket.close(1000);
    await waitUntil(() => client.members.length === LIST_MAX - 2, "the list again at 3 members", undefined, () => `memberCount ${client.memberCount}`);
    expect(client.memberCount).toBe(LIST_MAX - 2);
    expect(seen.presence.at(-1)).toMatchObject({ mode: "list", sync: true, memberCount: LIST_MAX - 2 });
    for (const socket of raw.slice(4)) socket.close();
  });
});
