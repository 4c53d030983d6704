/**
 * @module console-room-list.test
 * Console v2's room list, from the live-room directory (`GET /rooms`, docs/protocol.md §11), in
 * headless Chromium against the real gateway: occupied rooms appear with their connection and
 * user counts, the prefix filter narrows the list, a name opens that room; in token mode the
 * list without an API key shows the 401. Needs the directory (D1 table filled by the occupancy
 * queue consumer): on a gateway without `GET /rooms` the page shows "directory not available"
 * and these tests fail.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, saveScreenshot, watchProblems } from "../../helpers/browser";
import { connectV1, type TestClient } from "../../helpers/clients";
import { API_KEY, tokenModeVars } from "../../helpers/tokens";
import { useGateway } from "../../helpers/use-gateway";

const VIEWPORT = { width: 1400, height: 860 };
const PAGE_WAIT_MS = 10_000;
/** Occupancy travels room → queue → consumer → D1 before GET /rooms sees it. */
const DIRECTORY_WAIT_MS = 25_000;
const DIRECTORY_POLL_MS = 1_000;

let browser: Browser;
beforeAll(async () => {
  ({ browser } = await launchBrowser());
});
afterAll(async () => {
  await browser?.close();
});

/** The counts a room's row shows, or undefined while it is not listed. */
async function rowCounts(page: Page, room: string): Promise<{ connections: number; users: number } | undefined> {
  const cells = page.locator(`#rooms-body tr[data-room="${room}"] td`);
  if ((await cells.count()) === 0) return undefined;
  return { connections: Number(await cells.nth(1).innerText()), users: Number(await cells.nth(2).innerText()) };
}

describe("console v2: room list from GET /rooms (open mode, API key set)", () => {
  const gateway = useGateway({ API_KEY });
  const clients: TestClient[] = [];
  afterAll(() => clients.forEach((client) => client.close()));

  it("lists occupied rooms with their counts, filters by prefix, and opens a room", { timeout: 60_000 }, async () => {
    const listed = "console-v2-list-a";
    const current = "console-v2-list-b";
    for (const user of ["ann", "ben"]) clients.push((await connectV1(`${gateway.wsUrl}/rooms/${listed}?user=${user}`)).client);

    const page = await browser.newPage({ viewport: VIEWPORT });
    const problems = watchProblems(page);
    await page.goto(`${gateway.httpUrl}/?room=${current}`);
    await page.fill("#api-key-input", API_KEY);
    await page.click("#credentials-form button[type=submit]");
    await page.waitForSelector("#state.open", { timeout: PAGE_WAIT_MS });

    await expect
      .poll(
        async () => {
          await page.click("#rooms-form button[type=submit]");
          return rowCounts(page, listed);
        },
        { timeout: DIRECTORY_WAIT_MS, interval: DIRECTORY_POLL_MS },
      )
      .toEqual({ connections: 2, users: 2 });
    // The console's own room is listed too (its own connection), and marked as the open one.
    await expect.poll(async () => (await rowCounts(page, current))?.connections, { timeout: DIRECTORY_WAIT_MS, interval: DIRECTORY_POLL_MS }).toBe(1);
    expect(await page.locator(`#rooms-body tr.current[data-room="${current}"]`).count()).toBe(1);
    expect(await page.locator('#errors li[data-key="rooms"]').count()).toBe(0);
    await saveScreenshot(page, "console-room-list");

    await page.fill("#rooms-prefix", listed);
    await page.click("#rooms-form button[type=submit]");
    await page.locator(`#rooms-body tr[data-room="${current}"]`).waitFor({ state: "detached", timeout: PAGE_WAIT_MS });
    const names = await page.locator("#rooms-body tr").evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.room));
    expect(names).toContain(listed);
    for (const name of names) expect(name!.startsWith(listed)).toBe(true);

    await page.click(`#rooms-body tr[data-room="${listed}"] a`);
    await page.waitForURL(`${gateway.httpUrl}/?room=${listed}`, { timeout: PAGE_WAIT_MS });
    await page.waitForSelector("#state.open", { timeout: PAGE_WAIT_MS });
    expect(await page.locator("#room-name").innerText()).toBe(listed);
    expect(problems).toEqual([]);
  });
});

describe("console v2: room list in token mode", () => {
  const gateway = useGateway(tokenModeVars);

  it("shows GET /rooms's 401 on the page without an API key", async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    const problems = watchProblems(page);
    await page.goto(`${gateway.httpUrl}/?room=console-v2-list-token`);
    const error = page.locator('#errors li[data-key="rooms"]');
    await error.waitFor({ timeout: PAGE_WAIT_MS });
    expect(await error.innerText()).toMatch(/GET \/rooms\?limit=100 → 401 unauthorized/);
    expect(await page.locator("#rooms-status").innerText()).toBe("room list failed: see the error above");
    expect(problems).toEqual([]);
  });
});
