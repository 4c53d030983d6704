/**
 * @module deploy-restart.test
 * What SDK clients see on a plain deploy without a drain (docs/operations.md "Drain and deploy"),
 * simulated locally by stopping the gateway (SIGTERM, as a deploy replaces the process) and
 * starting it again on the same port with the same state. A backend publishes throughout,
 * retrying a failed POST with the same publish `id`. Each client must notice, reconnect once the
 * gateway is back, resume (`recovered: true`) and see every message once, in order. The figures
 * (close code, time to notice, time to resume) are printed for the docs.
 */
import { describe, expect, it } from "vitest";
import { RoomClient } from "../../../src/client";
import { startGateway, type Gateway } from "../../helpers/gateway";
import { postMessage } from "../../helpers/http-api";
import { record, waitForState, waitUntil, type Recorder } from "../../helpers/sdk";

const CLIENTS = 10;
const PUBLISH_EVERY_MS = 25;
const RETRY_PUBLISH_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe("a plain deploy (gateway restart) without a drain", () => {
  it(
    "clients notice, come back once the gateway is up, and resume with nothing lost",
    async () => {
      let gateway: Gateway = await startGateway({ vars: { RATE_LIMIT_MESSAGES_PER_SECOND: 100_000 } });
      const { port, persistTo } = gateway;
      const room = "deploy-plain";
      const clients: Array<{ client: RoomClient; seen: Recorder }> = [];
      try {
        for (let i = 0; i < CLIENTS; i++) {
          const client = new RoomClient({ url: gateway.wsUrl, room });
          clients.push({ client, seen: record(client) });
        }
        for (const { seen } of clients) await waitForState(seen, "open", "connected before the deploy");

        let publishing = true;
        let failedPosts = 0;
        const accepted: number[] = [];
        const publisher = (async () => {
          for (let n = 0; publishing; n++) {
            // A backend retries a failed publish with the same id: the room publishes it once.
            for (;;) {
              // The stop can also cut an answer after its status line: a lost answer is retried the same way.
              const seq = await postMessage(gateway.httpUrl, room, { data: `m${n}`, id: `p${n}` })
                .then(async (answer) => (answer.status === 202 ? ((await answer.json()) as { seq: number }).seq : undefined))
                .catch(() => undefined);
              if (seq !== undefined) {
                accepted.push(seq);
                break;
              }
              failedPosts++;
              await sleep(RETRY_PUBLISH_MS);
            }
            await sleep(PUBLISH_EVERY_MS);
          }
        })();
        await sleep(500);

        const statesBefore = clients.map(({ seen }) => seen.states.length);
        const stoppedAt = Date.now();
        await gateway.stop();
        const stopMs = Date.now() - stoppedAt;
        const noticed = await Promise.all(clients.map(async ({ seen }, i) => ({ change: await waitForState(seen, "reconnecting", "the client noticed the deploy", statesBefore[i], 15_000), at: Date.now() - stoppedAt })));
        gateway = await startGateway({ port, persistTo, vars: { RATE_LIMIT_MESSAGES_PER_SECOND: 100_000 } });
        const upAt = Date.now();
        const back = await Promise.all(clients.map(async ({ seen }, i) => (await waitForState(seen, "open", "back after the deploy", statesBefore[i], 40_000), Date.now() - upAt)));
        await sleep(1_000);
        publishing = false;
        await publisher;

        const expected = [...accepted].sort((a, b) => a - b);
        for (const { seen } of clients) {
          await waitUntil(() => seen.messages.length >= expected.length, "every accepted message", 10_000, () => `${seen.messages.length} of ${expected.length}: seen ${seen.messages.map((m) => m.seq)} expected ${expected} resumes ${JSON.stringify(seen.resumes)} states ${seen.states.map((s) => `${s.state}(${s.code ?? ""})`).join(" ")}`);
          expect(seen.messages.map((message) => message.seq)).toEqual(expected);
          expect(seen.resumes.every((outcome) => outcome.recovered)).toBe(true);
        }
        const codes = [...new Set(noticed.map(({ change }) => change.code))];
        console.log(
          `plain deploy: gateway stop took ${stopMs} ms (down for ${upAt - stoppedAt} ms); clients saw close code(s) ${codes.join(", ")} ` +
            `after ${Math.min(...noticed.map((n) => n.at))}–${Math.max(...noticed.map((n) => n.at))} ms; back ${Math.min(...back)}–${Math.max(...back)} ms ` +
            `(median ${median(back)}) after the gateway was up; ${failedPosts} publish attempts failed while down and were retried; ` +
            `${expected.length} messages, each seen once in order by all ${CLIENTS} clients`,
        );
        expect(expected.length).toBeGreaterThan(20);
        expect(failedPosts).toBeGreaterThan(0);
      } finally {
        for (const { client } of clients) client.close();
        await gateway.stop();
      }
    },
    120_000,
  );
});
