/**
 * @module console-room.test
 * Console v2, the open room's views, in headless Chromium against the real gateway (open mode,
 * with an API_KEY set, which the page sends): history loads on open; deleting the room shows an
 * epoch break; members can be kicked (the kicked `ws` client gets 4009) and messaged (a `direct`
 * frame reaches the `ws` client); topic subscribe filters the log and brings the snapshot; the
 * charts follow connections and publishes; message data expands as a JSON tree; a bad room name
 * shows the gateway's 400 on the page. Each main view leaves a screenshot.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, saveScreenshot, watchProblems } from "../../helpers/browser";
import { connectV1, expectClose, waitForFrame } from "../../helpers/clients";
import { publishHttp } from "../../helpers/http-api";
import { API_KEY } from "../../helpers/tokens";
import { useGateway } from "../../helpers/use-gateway";

const VIEWPORT = { width: 1400, height: 860 };
const PAGE_WAIT_MS = 10_000;
/** Two info polls (every 2 s) and some slack. */
const CHART_WAIT_MS = 8_000;

describe("console v2: room views", () => {
  const gateway = useGateway({ API_KEY });
  let browser: Browser;
  let problems: string[] = [];

  beforeAll(async () => {
    ({ browser } = await launchBrowser());
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** A console page on `room`, open, with the API key saved through the credentials form. */
  async function openConsole(room: string): Promise<Page> {
    const page = await browser.newPage({ viewport: VIEWPORT });
    problems = watchProblems(page);
    await page.goto(`${gateway.httpUrl}/?room=${room}`);
    await page.fill("#api-key-input", API_KEY);
    await page.click("#credentials-form button[type=submit]");
    await page.waitForSelector("#state.open", { timeout: PAGE_WAIT_MS });
    return page;
  }

  it("loads recent history on open, then live messages, and shows an epoch break after delete room", async () => {
    const room = "console-v2-history";
    for (const n of [1, 2, 3]) await publishHttp(gateway.httpUrl, room, { n }, "before");
    const page = await openConsole(room);
    for (const seq of [1, 2, 3]) await page.locator(`#log-body tr.history[data-seq="${seq}"]`).waitFor({ timeout: PAGE_WAIT_MS });
    await page.locator("#history-status", { hasText: /history of epoch \w+…: 3 messages after seq 0/ }).waitFor({ timeout: PAGE_WAIT_MS });
    const live = await publishHttp(gateway.httpUrl, room, { n: 4 }, "after");
    await page.locator(`#log-body tr.live[data-seq="${live}"]`).waitFor({ timeout: PAGE_WAIT_MS });
    expect(await page.locator("#log-body tr[data-seq]").evaluateAll((rows) => rows.map((row) => Number((row as HTMLElement).dataset.seq)))).toEqual([1, 2, 3, 4]);
    await saveScreenshot(page, "console-history");

    page.once("dialog", (dialog) => void dialog.accept());
    await page.click("#delete-room");
    await page.locator("#room-actions-status", { hasText: "deleted console-v2-history" }).waitFor({ timeout: PAGE_WAIT_MS });
    const epochBreak = page.locator("#log-body tr.break.epoch");
    await epochBreak.waitFor({ timeout: PAGE_WAIT_MS });
    expect(await epochBreak.innerText()).toContain("epoch changed — history restarted");
    await page.waitForSelector("#state.open", { timeout: PAGE_WAIT_MS });
    // The close that ended the old epoch's socket stays in the event log.
    await page.locator("#events li", { hasText: "reconnecting after 1001 goingAway" }).waitFor({ timeout: PAGE_WAIT_MS });
    await page.locator("#events li", { hasText: "not recovered" }).filter({ hasText: "in a new epoch" }).waitFor({ timeout: PAGE_WAIT_MS });

    // Numbering starts again below the break: the new seq 1 is a new row, not the old one.
    const fresh = await publishHttp(gateway.httpUrl, room, { n: "new epoch" });
    expect(fresh).toBe(1);
    const below = page.locator(`#log-body tr.break.epoch ~ tr[data-seq="1"]`);
    await below.waitFor({ timeout: PAGE_WAIT_MS });
    expect(await below.innerText()).toContain("new epoch");
    await saveScreenshot(page, "console-epoch-break");
    expect(problems).toEqual([]);
  });

  it("lists members; a direct message reaches a ws client, and kick closes it with 4009", async () => {
    const room = "console-v2-members";
    const page = await openConsole(room);
    const { client, welcome } = await connectV1(`${gateway.wsUrl}/rooms/${room}?user=bob`);
    const member = page.locator(`#members li[data-connection-id="${welcome.connectionId}"]`);
    await member.waitFor({ timeout: PAGE_WAIT_MS });
    expect(await member.innerText()).toContain("bob");
    // A frame first: local workerd ends the TCP of a socket that never sent one ~10 s after the close frame.
    client.ws.send(JSON.stringify({ type: "ping" }));
    await waitForFrame(client, (frame) => frame.type === "pong", "pong before the kick");

    await member.getByRole("button", { name: `direct message ${welcome.connectionId}` }).click();
    expect(await page.inputValue("#direct-to")).toBe(welcome.connectionId);
    await page.fill("#direct-data", '{"hi": "from the console"}');
    await page.click("#direct-form button[type=submit]");
    const direct = await waitForFrame(client, (frame) => frame.type === "direct", "direct frame from the console");
    expect(direct.data).toEqual({ hi: "from the console" });
    expect(direct.from).toBe(await page.locator("#connection-id").innerText());
    await saveScreenshot(page, "console-members");

    await member.getByRole("button", { name: `kick ${welcome.connectionId}` }).click();
    expect((await expectClose(client, "kicked from the console")).code).toBe(4009);
    await page.locator("#members-status", { hasText: `kicked ${welcome.connectionId}` }).waitFor({ timeout: PAGE_WAIT_MS });
    await member.waitFor({ state: "detached", timeout: PAGE_WAIT_MS });
    expect(problems).toEqual([]);
  });

  it("subscribe filters the live log and brings the topic's latest message as a snapshot", async () => {
    const room = "console-v2-topics";
    const page = await openConsole(room);
    const before = await publishHttp(gateway.httpUrl, room, { px: 1 }, "alpha");
    await page.locator(`#log-body tr.live[data-seq="${before}"]`).waitFor({ timeout: PAGE_WAIT_MS });

    await page.fill("#topic-input", "alpha");
    await page.click("#topics-form button[value=subscribe]");
    await page.locator('#topic-filters li[data-topic="alpha"]').waitFor({ timeout: PAGE_WAIT_MS });
    await page.locator(`#log-body tr.snapshot[data-seq="${before}"]`).waitFor({ timeout: PAGE_WAIT_MS });

    const filtered = await publishHttp(gateway.httpUrl, room, { px: 2 }, "beta");
    const wanted = await publishHttp(gateway.httpUrl, room, { px: 3 }, "alpha");
    await page.locator(`#log-body tr.live[data-seq="${wanted}"]`).waitFor({ timeout: PAGE_WAIT_MS });
    // The beta message was sequenced before the alpha one, so it would be in the log by now.
    expect(await page.locator(`#log-body tr[data-seq="${filtered}"]`).count()).toBe(0);
    await saveScreenshot(page, "console-topics");

    await page.getByRole("button", { name: "unsubscribe alpha" }).click();
    await page.locator("#topic-filters li", { hasText: "no filters" }).waitFor({ timeout: PAGE_WAIT_MS });
    const unfiltered = await publishHttp(gateway.httpUrl, room, { px: 4 }, "beta");
    await page.locator(`#log-body tr.live[data-seq="${unfiltered}"]`).waitFor({ timeout: PAGE_WAIT_MS });
    expect(problems).toEqual([]);
  });

  it("charts follow room info: connections and messages/s change after connects and publishes", async () => {
    const room = "console-v2-charts";
    const page = await openConsole(room);
    const connections = page.locator('#charts [data-chart="connections"]');
    const rate = page.locator('#charts [data-chart="messages/s"]');
    await page.locator('#charts [data-chart="connections"][data-latest="1"]').waitFor({ timeout: CHART_WAIT_MS });
    const others = await Promise.all([1, 2].map(() => connectV1(`${gateway.wsUrl}/rooms/${room}`)));
    await page.locator('#charts [data-chart="connections"][data-latest="3"]').waitFor({ timeout: CHART_WAIT_MS });
    for (let n = 0; n < 10; n++) await publishHttp(gateway.httpUrl, room, { n });
    await expect.poll(async () => Number(await rate.getAttribute("data-latest")), { timeout: CHART_WAIT_MS, interval: 250 }).toBeGreaterThan(0);
    expect(Number(await connections.getAttribute("data-samples"))).toBeGreaterThanOrEqual(2);
    expect(await connections.locator("polyline").getAttribute("points")).toMatch(/\d+(\.\d+)?,\d+(\.\d+)? \d/);
    await saveScreenshot(page, "console-charts");
    for (const { client } of others) client.close();
    expect(problems).toEqual([]);
  });

  it("expands message data as a JSON tree", async () => {
    const room = "console-v2-json";
    const page = await openConsole(room);
    const seq = await publishHttp(gateway.httpUrl, room, { order: { id: 7, lines: [{ sku: "leaf-sku", qty: 2 }] } });
    const data = page.locator(`#log-body tr[data-seq="${seq}"] td.data`);
    await data.waitFor({ timeout: PAGE_WAIT_MS });
    const leaf = data.locator(".json-string", { hasText: '"leaf-sku"' });
    expect(await leaf.count()).toBe(0); // collapsed: built on first expand
    await data.locator("summary").first().click();
    await data.locator(".json-key", { hasText: "order:" }).waitFor({ timeout: PAGE_WAIT_MS });
    await data.locator("details details > summary").first().click(); // order
    await data.locator("details details details > summary").first().click(); // lines
    await data.locator("details details details details > summary").first().click(); // lines[0]
    await leaf.waitFor({ timeout: PAGE_WAIT_MS });
    await saveScreenshot(page, "console-json");
    expect(problems).toEqual([]);
  });

  it("shows the gateway's 400 for a bad room name on the page", async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    problems = watchProblems(page);
    await page.goto(`${gateway.httpUrl}/?room=${encodeURIComponent("not a room!")}`);
    const info = page.locator('#errors li[data-key="info"]');
    await info.waitFor({ timeout: PAGE_WAIT_MS });
    expect(await info.innerText()).toMatch(/400 invalid_room: room names are/);
    expect(await page.locator('#errors li[data-key="room"]').innerText()).toContain("is not a room name");
    expect(await page.locator("#state").innerText()).toContain("closed");
    await saveScreenshot(page, "console-errors");
    expect(problems).toEqual([]);
  });
});
