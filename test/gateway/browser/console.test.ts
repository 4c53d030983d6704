/**
 * @module console.test
 * Acceptance: the web console and the quotes demo in a real browser (headless Chromium driven by
 * playwright-core: the system's, or the one from `@sparticuz/chromium`; see helpers/browser) against the real gateway: the page connects through the SDK, shows a message
 * published over HTTP, and raises no page error. Screenshots go to test-results/ (git-ignored).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../../helpers/browser";
import { PROJECT_ROOT } from "../../helpers/gateway";
import { useGateway } from "../../helpers/use-gateway";
import { publishHttp } from "../../helpers/http-api";

const VIEWPORT = { width: 1280, height: 800 };
const PAGE_WAIT_MS = 10_000;
const ARTIFACTS_DIR = join(PROJECT_ROOT, "test-results");

describe("web console in Chromium", () => {
  const gateway = useGateway();
  let browser: Browser;
  const problems: string[] = [];

  /** A page whose uncaught errors and console errors are collected into `problems`. */
  async function watchedPage(): Promise<Page> {
    const page = await browser.newPage({ viewport: VIEWPORT });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console error: ${message.text()}`);
    });
    return page;
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    ({ browser } = await launchBrowser());
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows a message published over HTTP in the live log, with presence and room info", async () => {
    const page = await watchedPage();
    await page.goto(`${gateway.httpUrl}/?room=browser-console`);
    await page.waitForSelector("#state.open", { timeout: PAGE_WAIT_MS });

    const seq = await publishHttp(gateway.httpUrl, "browser-console", { hello: "from the browser test" }, "greetings");
    const row = page.locator(`#log-body tr[data-seq="${seq}"]`);
    await row.waitFor({ timeout: PAGE_WAIT_MS });
    expect(await row.innerText()).toMatch(/greetings\s+api\s+\{"hello":"from the browser test"\}/);

    await page.fill("#send-data", '{"typed": "in the send box"}');
    await page.click("#send-form button");
    await page.waitForSelector("#send-status:has-text('acked as seq')", { timeout: PAGE_WAIT_MS });
    await page.locator("#log-body tr", { hasText: "in the send box" }).waitFor({ timeout: PAGE_WAIT_MS });

    await page.locator("#members li.self").waitFor({ timeout: PAGE_WAIT_MS });
    const connectionsRow = page.locator("#info tr").filter({ has: page.getByRole("rowheader", { name: "connections", exact: true }) });
    await connectionsRow.locator("td", { hasText: /^1$/ }).waitFor({ timeout: PAGE_WAIT_MS });
    await page.screenshot({ path: join(ARTIFACTS_DIR, "console.png") });
    expect(problems).toEqual([]);
  });

  it("updates the quotes ticker from a topic publish", async () => {
    const page = await watchedPage();
    await page.goto(`${gateway.httpUrl}/quotes?room=browser-quotes`);
    await page.waitForSelector("#state.open", { timeout: PAGE_WAIT_MS });
    await publishHttp(gateway.httpUrl, "browser-quotes", { price: 231.5 }, "AAPL");
    await publishHttp(gateway.httpUrl, "browser-quotes", { price: 1.0842 }, "fx.EURUSD");
    await publishHttp(gateway.httpUrl, "browser-quotes", { price: 999 }, "not-subscribed");
    await page.locator('tr[data-topic="fx.EURUSD"] td.price', { hasText: "1.0842" }).waitFor({ timeout: PAGE_WAIT_MS });
    expect(await page.locator('tr[data-topic="AAPL"] td.price').innerText()).toBe("231.50");
    expect(await page.locator('tr[data-topic="not-subscribed"]').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS_DIR, "quotes.png") });
    expect(problems).toEqual([]);
  });

  it("runs in the Chromium from npm too (the fallback when the system has none)", async () => {
    const npm = await launchBrowser({ source: "npm" });
    try {
      expect(npm.source).toBe("npm");
      const page = await npm.browser.newPage({ viewport: VIEWPORT });
      const npmProblems: string[] = [];
      page.on("pageerror", (error) => npmProblems.push(`page error: ${error.message}`));
      await page.goto(`${gateway.httpUrl}/?room=browser-npm-chromium`);
      await page.waitForSelector("#state.open", { timeout: PAGE_WAIT_MS });
      const seq = await publishHttp(gateway.httpUrl, "browser-npm-chromium", { from: "npm chromium" }, "greetings");
      await page.locator(`#log-body tr[data-seq="${seq}"]`).waitFor({ timeout: PAGE_WAIT_MS });
      expect(npmProblems).toEqual([]);
    } finally {
      await npm.browser.close();
    }
  });
});
