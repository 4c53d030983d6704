/**
 * @module crash.test
 * Durability and exactly-once across a crash: the gateway's workerd is killed with SIGKILL in
 * the middle of a burst from several WebSocket and HTTP publishers (right after a publisher got
 * an ack), then restarted on the same port with the same `--persist-to`. HTTP publishers retry
 * with their ids until answered; SDK clients reconnect and resume.
 *
 * - every acked or 202'd message is in history, with the seq it was answered with;
 * - no (epoch, seq) was ever delivered with two different contents, and everything delivered
 *   is in history: nothing reached a client before it was durable;
 * - each HTTP message is in history once, however often it was retried;
 * - every SDK client ends with each message once, in seq order: exactly the history.
 */
import { afterAll, describe, expect, it } from "vitest";
import { RoomClient, type RoomMessage } from "../../../src/client";
import { connectV1, framesOf, type TestClient } from "../../helpers/clients";
import { freePort, startGateway, tempDir, type Gateway } from "../../helpers/gateway";
import { JSON_HEADERS, readHistory, postMessage } from "../../helpers/http-api";
import { record, waitForState, waitUntil, type Recorder } from "../../helpers/sdk";

const ROOM = "crash";
const SDK_CLIENTS = 3;
const WS_PUBLISHERS = 3;
const WS_MESSAGES_EACH = 150;
const HTTP_PUBLISHERS = 3;
const HTTP_MESSAGES_EACH = 60;
/** The crash comes right after an ack, once the WS acks and the HTTP 202s reach these counts. */
const CRASH_AFTER_ACKS = 120;
const CRASH_AFTER_HTTP_ANSWERS = 20;
const HTTP_WARM_ANSWERS = 6;
const WS_SEND_INTERVAL_MS = 15;
const HTTP_RETRY_MS = 100;
const RECOVERY_MS = 60_000;
const TEST_TIMEOUT_MS = 150_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Delivery {
  epoch: string;
  seq: number;
  data: unknown;
}

let gateway: Gateway | undefined;
const sdkClients: RoomClient[] = [];
const sockets: TestClient[] = [];

afterAll(async () => {
  for (const client of sdkClients) client.close();
  for (const socket of sockets) socket.close();
  await gateway?.stop();
});

/** Publishes `count` messages with ids, each retried (same id) until it is answered 202. */
async function httpPublisher(p: number, url: () => string, answered: Map<string, number>, deadline: number, onAnswer: () => void): Promise<void> {
  for (let i = 0; i < HTTP_MESSAGES_EACH; i++) {
    const id = `h${p}-${i}`;
    for (;;) {
      if (Date.now() > deadline) throw new Error(`HTTP publisher ${p} never got ${id} answered`);
      try {
        const response = await postMessage(url(), ROOM, { data: id, id });
        if (response.status === 202) {
          answered.set(id, ((await response.json()) as { seq: number }).seq);
          onAnswer();
          break;
        }
        await response.body?.cancel();
      } catch {
        // Connection refused or reset: the gateway is down; retry with the same id.
      }
      await sleep(HTTP_RETRY_MS);
    }
  }
}

describe("crash in the middle of a burst (SIGKILL workerd, restart with the same state)", () => {
  it(
    "keeps every answered message, delivers nothing that was not durable, and gives SDK clients each message once",
    async () => {
      const port = await freePort();
      const persistTo = tempDir("crash");
      const vars = { RATE_LIMIT_MESSAGES_PER_SECOND: 100_000, HISTORY_MAX_MESSAGES: 10_000 };
      gateway = await startGateway({ port, persistTo, vars });
      const httpUrl = gateway.httpUrl;
      const wsUrl = gateway.wsUrl;

      // SDK clients and plain observers, connected before anything is published.
      const recorders: Recorder[] = [];
      for (let c = 0; c < SDK_CLIENTS; c++) {
        const client = new RoomClient({ url: wsUrl, room: ROOM, connectTimeoutMs: 2_000, reconnect: { initialDelayMs: 50, maxDelayMs: 500 } });
        sdkClients.push(client);
        recorders.push(record(client));
        await waitForState(recorders[c]!, "open", `SDK client ${c} open`);
      }
      const epoch = sdkClients[0]!.position?.epoch ?? "";
      const observers = await Promise.all([connectV1(`${wsUrl}/rooms/${ROOM}`), connectV1(`${wsUrl}/rooms/${ROOM}`)]);
      sockets.push(...observers.map((o) => o.client));

      // WS publishers: v1 publishes with ids; the crash fires from inside the ack handler.
      const acked = new Map<string, number>();
      const answered = new Map<string, number>();
      let crash: Promise<void> | undefined;
      const maybeCrash = () => {
        if (acked.size >= CRASH_AFTER_ACKS && answered.size >= CRASH_AFTER_HTTP_ANSWERS && !crash) crash = gateway!.crash();
      };
      const publishers = await Promise.all(Array.from({ length: WS_PUBLISHERS }, () => connectV1(`${wsUrl}/rooms/${ROOM}`)));
      for (const { client } of publishers) {
        sockets.push(client);
        client.ws.on("message", (data) => {
          const frame = JSON.parse(String(data)) as { type: string; id?: string; seq?: number };
          if (frame.type !== "ack" || frame.id === undefined) return;
          acked.set(frame.id, frame.seq!);
          maybeCrash();
        });
      }
      const deadline = Date.now() + RECOVERY_MS;
      const httpDone = Promise.all(Array.from({ length: HTTP_PUBLISHERS }, (_, p) => httpPublisher(p, () => httpUrl, answered, deadline, maybeCrash)));

      // WS publishing starts once HTTP is warm, so both are mid-burst when the crash comes.
      await waitUntil(() => answered.size >= HTTP_WARM_ANSWERS, "the first HTTP answers");
      const wsSending = publishers.map(async ({ client }, p) => {
        for (let i = 0; i < WS_MESSAGES_EACH && client.ws.readyState === client.ws.OPEN; i++) {
          client.ws.send(JSON.stringify({ type: "publish", data: `w${p}-${i}`, id: `w${p}-${i}` }));
          await sleep(WS_SEND_INTERVAL_MS);
        }
      });

      await waitUntil(() => crash !== undefined, "the crash after enough answers", 30_000, () => `${acked.size} acks, ${answered.size} 202s`);
      await crash;
      const answeredAtCrash = answered.size;
      const ackedAtCrash = new Map(acked);
      await Promise.all(wsSending);
      gateway = await startGateway({ port, persistTo, vars });
      await httpDone;

      // History after the restart: the same epoch (the room's storage survived).
      const stored = await readHistory(httpUrl, ROOM, "?limit=1000");
      expect(stored.epoch).toBe(epoch);
      const bySeq = new Map(stored.messages.map((m) => [m.seq, m.data]));
      expect(stored.messages.map((m) => m.seq)).toEqual(Array.from({ length: stored.messages.length }, (_, i) => i + 1));
      expect(new Set(stored.messages.map((m) => m.data)).size).toBe(stored.messages.length);

      // Every ack and every 202 is in history with the seq it was answered with.
      for (const [id, seq] of ackedAtCrash) expect(bySeq.get(seq), `acked ${id}`).toBe(id);
      for (const [id, seq] of answered) expect(bySeq.get(seq), `202 for ${id}`).toBe(id);
      expect(answered.size).toBe(HTTP_PUBLISHERS * HTTP_MESSAGES_EACH);

      // Everything ever delivered is in history, with the same content under the same seq.
      const deliveries: Delivery[] = [];
      for (const { client, welcome } of observers) {
        for (const frame of framesOf(client)) if (frame.type === "message") deliveries.push({ epoch: welcome.epoch, seq: frame.seq, data: frame.data });
      }
      await waitUntil(
        () => recorders.every((r) => r.messages.length >= stored.messages.length),
        "every SDK client caught up with history",
        RECOVERY_MS,
        () => recorders.map((r) => r.messages.length).join(", ") + ` of ${stored.messages.length}`,
      );
      for (const recorder of recorders) for (const message of recorder.messages) deliveries.push({ epoch, seq: message.seq, data: message.data });
      for (const delivery of deliveries) {
        expect(delivery.epoch).toBe(epoch);
        expect(bySeq.get(delivery.seq), `delivered seq ${delivery.seq}`).toBe(delivery.data);
      }

      // Each SDK client: each message once, in order — exactly the history.
      const expected = stored.messages.map((m) => [m.seq, m.data]);
      for (const recorder of recorders) {
        expect(recorder.messages.map((m: RoomMessage) => [m.seq, m.data])).toEqual(expected);
        expect(recorder.resumes.every((outcome) => outcome.recovered)).toBe(true);
      }
      console.log(
        `crash: ${stored.messages.length} stored; ${ackedAtCrash.size} WS acks and ${answeredAtCrash} HTTP 202s before the kill; ` +
          `${deliveries.length} deliveries checked; SDK resumes ${recorders.map((r) => r.resumes.length).join("/")}`,
      );
    },
    TEST_TIMEOUT_MS,
  );
});
