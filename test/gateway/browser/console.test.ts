/**
 * @module console.test
 * Acceptance: the web console and the quotes demo in a real browser (headless Chromium driven by
 * playwright-core: the system's, or the one from `@sparticuz/chromium`; see helpers/browser)
 * against the real gateway: the page connects through the SDK, shows a message published over
 * HTTP and one typed in the send box, and raises no page error; the quotes ticker shows quotes of
 * the README's shape. The console's other views are in console-*.test.ts. Screenshots go to
 * test-results/screenshots/ (git-ignored).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, saveScreenshot, watchProblems } from "../../helpers/browser";
import { useGateway } from "../../helpers/use-gateway";
import { publishHttp } from "../../helpers/http-api";

const VIEWPORT = { width: 1400, height: 860 };
const PAGE_WAIT_MS = 10_000;

describe("web console in Chromium", () => {
  const gateway = useGateway();
  let browser: Browser;

  beforeAll(async () => {
    ({ browser } = await launchBrowser());
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows a message published over HTTP in the live log, with presence and room info", async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    const problems = watchProblems(page);
    await page.goto(`${gateway.httpUrl}/?room=browser-console`);
    await page.waitForSelector("#state.open", { timeout: PAGE_WAIT_MS });

    const seq = await publishHttp(gateway.httpUrl, "browser-console", { hello: "from the browser test" }, "greetings");
    const row = page.locator(`#log-body tr.live[data-seq="${seq}"]`);
    await row.waitFor({ timeout: PAGE_WAIT_MS });
    expect(await row.locator("td.topic").innerText()).toBe("greetings");
    expect(await row.locator("td.from").innerText()).toBe("api");
    expect(await row.locator("td.data").innerText()).toContain('{"hello":"from the browser test"}');

    await page.fill("#send-data", '{"typed": "in the send box"}');
    await page.click("#send-form button");
    await page.waitForSelector("#send-status:has-text('acked as seq')", { timeout: PAGE_WAIT_MS });
    await page.locator("#log-body tr", { hasText: "in the send box" }).waitFor({ timeout: PAGE_WAIT_MS });

    await page.locator("#members li.self").waitFor({ timeout: PAGE_WAIT_MS });
    await page.locator('#charts [data-chart="connections"][data-latest="1"]').waitFor({ timeout: PAGE_WAIT_MS });
    await page.locator("#info details[open]").waitFor({ timeout: PAGE_WAIT_MS });
    await saveScreenshot(page, "console");
    expect(problems).toEqual([]);
  });

  it("updates the quotes ticker from topic publishes of the README's shape ({px})", async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    const problems = watchProblems(page);
    await page.goto(`${gateway.httpUrl}/quotes?room=browser-quotes`);
    await page.waitForSelector("#state.open", { timeout: PAGE_WAIT_MS });
    // The README's quote feed example: topic AAPL / fx.eurusd, data {"px": …}.
    await publishHttp(gateway.httpUrl, "browser-quotes", { px: 101.5 }, "AAPL");
    await publishHttp(gateway.httpUrl, "browser-quotes", { px: 1.0912 }, "fx.eurusd");
    await publishHttp(gateway.httpUrl, "browser-quotes", { px: 999 }, "not-subscribed");
    await page.locator('tr[data-topic="fx.eurusd"] td.price', { hasText: "1.0912" }).waitFor({ timeout: PAGE_WAIT_MS });
    expect(await page.locator('tr[data-topic="AAPL"] td.price').innerText()).toBe("101.50");
    expect(await page.locator('tr[data-topic="not-subscribed"]').count()).toBe(0);
    await saveScreenshot(page, "quotes");
    expect(problems).toEqual([]);
  });

  it("runs in the Chromium from npm too (the fallback when the system has none)", async () => {
    const npm = await launchBrowser({ source: "npm" });
    try {
      expect(npm.source).toBe("npm");
      const page = await npm.browser.newPage({ viewport: VIEWPORT });
      const problems = watchProblems(page);
      await page.goto(`${gateway.httpUrl}/?room=browser-npm-chromium`);
      await page.waitForSelector("#state.open", { timeout: PAGE_WAIT_MS });
      const seq = await publishHttp(gateway.httpUrl, "browser-npm-chromium", { from: "npm chromium" }, "greetings");
      await page.locator(`#log-body tr[data-seq="${seq}"]`).waitFor({ timeout: PAGE_WAIT_MS });
      expect(problems).toEqual([]);
    } finally {
      await npm.browser.close();
    }
  });
});
