/**
 * @module stats-crash.test
 * The room's counters (`GET /rooms/:room/info`) are kept in memory and written at most once per
 * STATS_WRITE_INTERVAL_MS (room-stats.ts): riding along with message groups while messages flow,
 * by a commit of their own once a room is quiet. A SIGKILL of workerd may lose only the counts
 * of about the last two intervals: a quiet room's counters are all stored, a busy room's are
 * stored up to a few seconds before the crash. Closes ride along too, each asking for the next
 * group at once: a close answered well before the crash is stored, and stored once.
 */
import { afterAll, describe, expect, it } from "vitest";
import { STATS_WRITE_INTERVAL_MS } from "../../../src/shared/limits";
import { connect, expectClose, settle, type TestClient } from "../../helpers/clients";
import { freePort, startGateway, tempDir, type Gateway, type GatewayOptions } from "../../helpers/gateway";
import { publishHttp } from "../../helpers/http-api";

const QUIET_ROOM = "stats-quiet";
const BUSY_ROOM = "stats-busy";
const CLOSES_ROOM = "stats-closes";
/** Closes one after another, then closes all at once: codes CLOSE_CODE_BASE + i. */
const SEQUENTIAL_CLOSES = 5;
const SIMULTANEOUS_CLOSES = 8;
const CLOSE_CODE_BASE = 4200;
/** Long enough for the groups that store the closes to commit (they start at once, no timer). */
const CLOSES_STORED_MS = 500;
const QUIET_MESSAGES = 5;
const BUSY_PUBLISH_MS = 4_000;
const BUSY_SEND_INTERVAL_MS = 40;
/** What the module promises a crash may lose (two intervals), with room for a slow shared machine. */
const MAY_LOSE_MS = 2 * STATS_WRITE_INTERVAL_MS + 1_000;

interface Counters {
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
}

let gateway: Gateway | undefined;
const clients: TestClient[] = [];

afterAll(async () => {
  clients.forEach((client) => client.close());
  await gateway?.stop();
});

async function countersOf(httpUrl: string, room: string): Promise<Counters> {
  const response = await fetch(`${httpUrl}/rooms/${room}/info`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { counters: Counters }).counters;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("room counters across a crash (SIGKILL workerd, restart with the same state)", () => {
  it("keeps a quiet room's counts whole and a busy room's up to the last two write intervals", async () => {
    const options: GatewayOptions = { port: await freePort(), persistTo: tempDir("stats-crash") };
    gateway = await startGateway(options);
    const quietSubscriber = await connect(`${gateway.wsUrl}/rooms/${QUIET_ROOM}`);
    const busySubscriber = await connect(`${gateway.wsUrl}/rooms/${BUSY_ROOM}`);
    clients.push(quietSubscriber, busySubscriber);

    for (let i = 0; i < QUIET_MESSAGES; i++) await publishHttp(gateway.httpUrl, QUIET_ROOM, `q${i}`);
    await quietSubscriber.waitForCount(QUIET_MESSAGES, "the quiet room's messages at its subscriber");

    // The busy room takes a message every few tens of ms until the crash; the quiet room meanwhile
    // stays quiet for longer than its counters may wait.
    const answeredAtMs: number[] = [];
    const busyUntil = Date.now() + BUSY_PUBLISH_MS;
    for (let i = 0; Date.now() < busyUntil; i++) {
      await publishHttp(gateway.httpUrl, BUSY_ROOM, `b${i}`);
      answeredAtMs.push(Date.now());
      await sleep(BUSY_SEND_INTERVAL_MS);
    }
    const quietBefore = await countersOf(gateway.httpUrl, QUIET_ROOM);
    expect(quietBefore).toMatchObject({ messagesIn: QUIET_MESSAGES, messagesOut: QUIET_MESSAGES });

    const crashedAtMs = Date.now();
    await gateway.crash();
    gateway = await startGateway(options);

    const quiet = await countersOf(gateway.httpUrl, QUIET_ROOM);
    expect(quiet).toEqual(expect.objectContaining({ messagesIn: QUIET_MESSAGES, messagesOut: QUIET_MESSAGES, bytesIn: quietBefore.bytesIn }));

    const busy = await countersOf(gateway.httpUrl, BUSY_ROOM);
    const surelyStored = answeredAtMs.filter((at) => at < crashedAtMs - MAY_LOSE_MS).length;
    expect(surelyStored).toBeGreaterThan(0);
    expect(busy.messagesIn).toBeGreaterThanOrEqual(surelyStored);
    expect(busy.messagesIn).toBeLessThanOrEqual(answeredAtMs.length);
    // Every stored message in reached the one subscriber, so out never trails in by more than what was in flight.
    expect(busy.messagesOut).toBeGreaterThanOrEqual(surelyStored - 1);
  }, 90_000);

  it("keeps every close answered before the crash, each once", async () => {
    const options: GatewayOptions = { port: await freePort(), persistTo: tempDir("closes-crash") };
    await gateway?.stop();
    gateway = await startGateway(options);
    const url = `${gateway.wsUrl}/rooms/${CLOSES_ROOM}`;
    for (let i = 0; i < SEQUENTIAL_CLOSES; i++) {
      const client = await connect(url);
      client.close(CLOSE_CODE_BASE + i, `one ${i}`);
      await expectClose(client, `sequential close ${i}`);
    }
    const together = await Promise.all(Array.from({ length: SIMULTANEOUS_CLOSES }, () => connect(url)));
    together.forEach((client, i) => client.close(CLOSE_CODE_BASE + SEQUENTIAL_CLOSES + i, `all ${i}`));
    await Promise.all(together.map((client, i) => expectClose(client, `simultaneous close ${i}`)));
    await settle(CLOSES_STORED_MS);

    await gateway.crash();
    gateway = await startGateway(options);
    const response = await fetch(`${gateway.httpUrl}/rooms/${CLOSES_ROOM}/info`);
    const info = (await response.json()) as { counters: { closesByCode: Record<string, number> }; recentCloses: Array<{ code: number }> };
    const expected = Array.from({ length: SEQUENTIAL_CLOSES + SIMULTANEOUS_CLOSES }, (_, i) => CLOSE_CODE_BASE + i);
    expect(info.recentCloses.map((close) => close.code).sort((a, b) => a - b)).toEqual(expected);
    expect(info.counters.closesByCode).toEqual(Object.fromEntries(expected.map((code) => [String(code), 1])));
  }, 90_000);
});
