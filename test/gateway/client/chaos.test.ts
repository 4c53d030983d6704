/**
 * @module chaos.test
 * Acceptance: exactly-once, in-order delivery under network faults. A TCP proxy between the SDK
 * and the real gateway cuts every link every few hundred ms and once goes silent (stops
 * forwarding without closing), while a backend publishes over HTTP. The app must see each
 * message once, in seq order; the heartbeat watchdog must recover the silent link.
 */
import { describe, expect, it } from "vitest";
import { RoomClient } from "../../../src/client";
import { useGateway } from "../../helpers/use-gateway";
import { record, waitForState, waitUntil } from "../../helpers/sdk";
import { useSdkClients } from "../../helpers/sdk-clients";
import { publishHttp } from "../../helpers/http-api";

const MESSAGE_COUNT = 1_000;
const ROOM = "chaos";
/** A cut every CUT_MIN_MS … CUT_MIN_MS + CUT_SPREAD_MS. */
const CUT_MIN_MS = 200;
const CUT_SPREAD_MS = 300;
/** The publisher sends PUBLISH_BURST POSTs at once, then pauses PUBLISH_PAUSE_MS, so cuts land mid-stream. */
const PUBLISH_BURST = 20;
const PUBLISH_PAUSE_MS = 150;
/** The silent link starts after this many messages. */
const SILENCE_AT = Math.floor(MESSAGE_COUNT / 3);
const HEARTBEAT = { heartbeatIntervalMs: 200, heartbeatTimeoutMs: 600 };
const WATCHDOG_RECOVERY_MS = 5_000;
const DRAIN_MS = 20_000;
const TEST_TIMEOUT_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("RoomClient under network faults (chaos)", () => {
  // History must hold the whole run so every resume falls inside its window.
  const gateway = useGateway({ RATE_LIMIT_MESSAGES_PER_SECOND: 100_000, HISTORY_MAX_MESSAGES: MESSAGE_COUNT * 2 });
  const { proxy, track } = useSdkClients(gateway);
  let client: RoomClient | undefined;

  it(
    `delivers ${MESSAGE_COUNT} HTTP publishes exactly once and in order through cuts and a silent link`,
    async () => {
      client = track(new RoomClient({ url: proxy.wsUrl, room: ROOM, ...HEARTBEAT, connectTimeoutMs: 2_000, reconnect: { initialDelayMs: 30, maxDelayMs: 300 } }));
      const seen = record(client);
      await waitForState(seen, "open", "first connection through the proxy");

      let cuts = 0;
      let cutting = true;
      let silenced = false;
      const cutter = (async () => {
        while (cutting) {
          await sleep(CUT_MIN_MS + Math.random() * CUT_SPREAD_MS);
          if (cutting && !silenced) cuts += proxy.cutAll();
        }
      })();

      let watchdogRecoveries = 0;
      const publishedSeqs: number[] = [];
      for (let start = 0; start < MESSAGE_COUNT; start += PUBLISH_BURST) {
        const burst = Array.from({ length: Math.min(PUBLISH_BURST, MESSAGE_COUNT - start) }, (_, k) => publishHttp(gateway.httpUrl, ROOM, start + k));
        publishedSeqs.push(...(await Promise.all(burst)));
        if (start <= SILENCE_AT && SILENCE_AT < start + PUBLISH_BURST) {
          silenced = true;
          await waitUntil(() => client!.state === "open" && proxy.open > 0, "an open link to silence");
          const before = seen.states.length;
          expect(proxy.silenceAll()).toBeGreaterThan(0);
          const lost = await waitForState(seen, "reconnecting", "the watchdog gave up on the silent link", before, WATCHDOG_RECOVERY_MS);
          expect(lost.reason).toMatch(/heartbeat/);
          await waitForState(seen, "open", "a new link after the silent one", before, WATCHDOG_RECOVERY_MS);
          watchdogRecoveries++;
          proxy.cutAll({ includeSilent: true });
          silenced = false;
        }
        await sleep(PUBLISH_PAUSE_MS);
      }
      cutting = false;
      await cutter;

      // A burst's POSTs race each other, so the room's seq order is the order to expect.
      const expected = [...publishedSeqs].sort((a, b) => a - b);
      const seqs = () => seen.messages.map((message) => message.seq);
      await waitUntil(() => new Set(seqs()).size >= MESSAGE_COUNT, `all ${MESSAGE_COUNT} messages delivered`, DRAIN_MS, () => `delivered ${new Set(seqs()).size}, last resume ${JSON.stringify(seen.resumes.at(-1))}`);

      const received = seqs();
      const delivered = new Set(received).size;
      const duplicates = received.length - delivered;
      const reorders = received.filter((seq, index) => index > 0 && seq < received[index - 1]!).length;
      const reconnects = seen.states.filter((change) => change.state === "reconnecting").length;
      console.log(
        `chaos: delivered ${delivered} / duplicates ${duplicates} / reorders ${reorders} ` +
          `(of ${MESSAGE_COUNT}; ${cuts} cuts, ${reconnects} reconnects, ${watchdogRecoveries} silent link(s) recovered by the watchdog, ` +
          `${client.duplicatesDropped} replayed duplicates dropped by the SDK, ${seen.resumes.filter((r) => !r.recovered).length} unrecovered resumes)`,
      );
      expect({ delivered, duplicates, reorders }).toEqual({ delivered: MESSAGE_COUNT, duplicates: 0, reorders: 0 });
      expect(received).toEqual(expected);
      expect(new Set(seen.messages.map((message) => message.data)).size).toBe(MESSAGE_COUNT);
      expect(cuts).toBeGreaterThan(10);
      expect(watchdogRecoveries).toBe(1);
      expect(seen.resumes.every((outcome) => outcome.recovered)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );
});
