/**
 * @module console-auth.test
 * Console v2 in token mode (AUTH_MODE=token with JWT_SECRET and API_KEY), in headless Chromium
 * against the real gateway: without credentials the page shows the socket's 4001 and the HTTP
 * API's 401; a wrong API key shows 401 too; the right key alone loads history and info over
 * HTTP; with a token typed into the credentials form the console connects (token in a `roomcast.token.*` subprotocol, never in a URL) and loads
 * room info. The secrets stay in sessionStorage, out of the address bar and the page.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, saveScreenshot, watchProblems } from "../../helpers/browser";
import { publishHttp } from "../../helpers/http-api";
import { API_KEY, mintToken, tokenModeVars } from "../../helpers/tokens";
import { useGateway } from "../../helpers/use-gateway";

const VIEWPORT = { width: 1400, height: 860 };
const PAGE_WAIT_MS = 10_000;

describe("console v2 in token mode", () => {
  const gateway = useGateway(tokenModeVars);
  let browser: Browser;

  beforeAll(async () => {
    ({ browser } = await launchBrowser());
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows 4001 and 401 without credentials, 401 for a wrong key, and connects with a token and the key", async () => {
    const room = "console-v2-token";
    const earlier = await publishHttp(gateway.httpUrl, room, { before: "the console opened" }, undefined, { Authorization: `Bearer ${API_KEY}` });
    const page = await browser.newPage({ viewport: VIEWPORT });
    const problems = watchProblems(page);
    const socketUrls: string[] = [];
    page.on("websocket", (socket) => socketUrls.push(socket.url()));
    await page.goto(`${gateway.httpUrl}/?room=${room}`);

    const socketError = page.locator('#errors li[data-key="socket"]');
    await socketError.locator("text=/4001 unauthorized/").waitFor({ timeout: PAGE_WAIT_MS });
    expect(await socketError.innerText()).toContain("set a connection token");
    const infoError = page.locator('#errors li[data-key="info"]');
    await infoError.locator("text=/401 unauthorized/").waitFor({ timeout: PAGE_WAIT_MS });
    await page.locator('#errors li[data-key="history"]', { hasText: "401 unauthorized" }).waitFor({ timeout: PAGE_WAIT_MS });
    await saveScreenshot(page, "console-auth-errors");

    await page.fill("#api-key-input", "not-the-key");
    await page.click("#credentials-form button[type=submit]");
    await infoError.locator("text=/401 unauthorized: API key or token is not valid/").waitFor({ timeout: PAGE_WAIT_MS });

    // The right key alone: the HTTP API answers (history, info) while the socket still has no token.
    await page.fill("#api-key-input", API_KEY);
    await page.click("#credentials-form button[type=submit]");
    await page.locator(`#log-body tr.history[data-seq="${earlier}"]`).waitFor({ timeout: PAGE_WAIT_MS });
    await infoError.waitFor({ state: "detached", timeout: PAGE_WAIT_MS });
    expect(await page.locator("#state").innerText()).toContain("4001");

    const token = await mintToken({ sub: "console-user", rooms: ["console-v2-*"] });
    await page.fill("#token-input", token);
    await page.click("#credentials-form button[type=submit]");
    await page.waitForSelector("#state.open", { timeout: PAGE_WAIT_MS });
    await page.locator("#members li.self", { hasText: "console-user" }).waitFor({ timeout: PAGE_WAIT_MS });
    await socketError.waitFor({ state: "detached", timeout: PAGE_WAIT_MS });
    await page.locator('#charts [data-chart="connections"][data-latest="1"]').waitFor({ timeout: PAGE_WAIT_MS });

    const seq = await publishHttp(gateway.httpUrl, room, { authed: true }, undefined, { Authorization: `Bearer ${API_KEY}` });
    await page.locator(`#log-body tr[data-seq="${seq}"]`).waitFor({ timeout: PAGE_WAIT_MS });
    await saveScreenshot(page, "console-token-mode");

    // Secrets: in sessionStorage, nowhere in the address bar, the socket URLs or the page.
    expect(await page.evaluate(() => sessionStorage.getItem("roomcast.console.token"))).toBe(token);
    expect(page.url()).not.toContain(token);
    expect(socketUrls.length).toBeGreaterThan(0);
    for (const url of socketUrls) expect(url).not.toMatch(/token=|test-api-key/);
    const html = await page.content();
    expect(html).not.toContain(token);
    expect(html).not.toContain(API_KEY);
    expect(problems).toEqual([]);
  });

  it("moves a ?token= from the page URL into sessionStorage and out of the address bar", async () => {
    const token = await mintToken({ sub: "link-user", rooms: ["console-v2-*"] });
    const page = await browser.newPage({ viewport: VIEWPORT });
    const problems = watchProblems(page);
    await page.goto(`${gateway.httpUrl}/?room=console-v2-link&token=${token}`);
    await page.waitForSelector("#state.open", { timeout: PAGE_WAIT_MS });
    expect(page.url()).toBe(`${gateway.httpUrl}/?room=console-v2-link`);
    expect(await page.evaluate(() => sessionStorage.getItem("roomcast.console.token"))).toBe(token);
    expect(problems).toEqual([]);
  });
});
