/**
 * @module readme-snippets.test
 * The README's client examples, copied out of README.md and run unchanged (only the gateway's
 * port differs) against the real gateway: the `roomcast.v1` snippet and the SDK's Node snippet,
 * SockJS and STOMP in Node, and the SSE snippet in Chromium. A snippet that throws, prints to
 * stderr or never shows what the README promises fails here.
 */
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type LaunchedBrowser } from "../../helpers/browser";
import { connect, type TestClient } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { pointedAt, readmeCodeBlock, runNodeSnippet, type SnippetRun } from "../../helpers/readme-snippets";
import { publishHttp } from "../../helpers/http-api";

const BROWSER_WAIT_MS = 10_000;

describe("README client examples, run as written", () => {
  const gateway = useGateway();
  const running: SnippetRun[] = [];
  const peers: TestClient[] = [];

  afterEach(async () => {
    for (const snippet of running.splice(0)) await snippet.stop();
    for (const peer of peers.splice(0)) peer.close();
  });

  function run(name: string, marker: string): SnippetRun {
    const snippet = runNodeSnippet(name, pointedAt(readmeCodeBlock(marker), gateway.port));
    running.push(snippet);
    return snippet;
  }

  async function rawPeer(room: string): Promise<TestClient> {
    const peer = await connect(`${gateway.wsUrl}/rooms/${room}`);
    peers.push(peer);
    return peer;
  }

  it("'From code': the roomcast.v1 snippet gets its welcome and the ack of its publish, which a raw peer receives", async () => {
    const peer = await rawPeer("lobby");
    const snippet = run("from-code", 'import WebSocket from "ws"');
    await snippet.waitForOutput(/type: 'welcome'/, "the welcome frame");
    await snippet.waitForOutput(/type: 'ack', id: 'm1', seq: \d+/, "the ack of publish m1");
    expect((await peer.nextMessage("the snippet's publish")).data).toBe('{"hi":1}');
    expect(snippet.stderr()).toBe("");
  });

  it("client SDK in Node 22: the latest AAPL quote marked as such, then live fx.* quotes", async () => {
    await publishHttp(gateway.httpUrl, "quotes", { px: 101.5 }, "AAPL");
    const snippet = run("sdk-node", 'room: "quotes", topics: ["AAPL", "fx.*"]');
    await snippet.waitForOutput(/^AAPL \{ px: 101\.5 \} \(latest on subscribe\)$/m, "the AAPL snapshot");
    await publishHttp(gateway.httpUrl, "quotes", { px: 1.0912 }, "fx.eurusd");
    await snippet.waitForOutput(/^fx\.eurusd \{ px: 1\.0912 \} $/m, "the live fx.eurusd quote");
    expect(snippet.stderr()).toBe("");
  });

  it("SockJS in Node: its text reaches a raw client, and room messages reach it", async () => {
    const peer = await rawPeer("demo");
    const snippet = run("sockjs", 'from "sockjs-client"');
    expect((await peer.nextMessage("the SockJS client's text")).data).toBe("hello from behind a proxy");
    await publishHttp(gateway.httpUrl, "demo", "hello over xhr-streaming");
    await snippet.waitForOutput(/^hello over xhr-streaming$/m, "a room message over SockJS");
    expect(snippet.stderr()).toBe("");
  });

  it("STOMP in Node: the receipt of its SEND, then fx.* messages with seq and destination", async () => {
    const snippet = run("stomp", 'from "@stomp/stompjs"');
    await snippet.waitForOutput(/^published$/m, "the RECEIPT for r1");
    const seq = await publishHttp(gateway.httpUrl, "quotes", { px: 1.2644 }, "fx.gbpusd");
    await snippet.waitForOutput(new RegExp(`^${seq} /topic/fx\\.gbpusd \\{"px":1\\.2644\\}$`, "m"), "the fx.gbpusd MESSAGE");
    expect(snippet.stderr()).toBe("");
  });

  describe("in Chromium", () => {
    let launched: LaunchedBrowser;
    beforeAll(async () => {
      launched = await launchBrowser();
    });
    afterAll(async () => {
      await launched?.browser.close();
    });

    /** A page on the gateway's origin with the names the snippet leaves to the app. */
    async function appPage(): Promise<{ page: Page; problems: string[] }> {
      const page = await launched.browser.newPage();
      const problems: string[] = [];
      page.on("pageerror", (error) => problems.push(error.message));
      await page.goto(`${gateway.httpUrl}/healthz`);
      await page.evaluate(() => {
        const app = window as unknown as { rendered: unknown[][]; render: (...args: unknown[]) => void; reloadFromHistory: () => void };
        app.rendered = [];
        app.render = (...args) => app.rendered.push(args);
        app.reloadFromHistory = () => app.rendered.push(["reload"]);
      });
      return { page, problems };
    }

    it("Server-Sent Events: render() gets each AAPL message with its seq", async () => {
      const { page, problems } = await appPage();
      await page.addScriptTag({ content: readmeCodeBlock('new EventSource("/rooms/demo/events?topics=AAPL")') });
      // `events` is the snippet's top-level const (a global binding, not a window property). The
      // Worker joins the room before it answers, so once open, a publish arrives live.
      await page.waitForFunction("typeof events !== 'undefined' && events.readyState === EventSource.OPEN", undefined, { timeout: BROWSER_WAIT_MS });
      const seq = await publishHttp(gateway.httpUrl, "demo", { px: 102.25 }, "AAPL");
      const rendered = await page.waitForFunction(
        (expected) => (window as unknown as { rendered: Array<[number, { seq: number; data: unknown }]> }).rendered.find(([s]) => s === expected),
        seq,
        { timeout: BROWSER_WAIT_MS },
      );
      expect(await rendered.jsonValue()).toEqual([seq, expect.objectContaining({ seq, topic: "AAPL", from: "api", data: { px: 102.25 } })]);
      expect(problems).toEqual([]);
    });
  });
});
