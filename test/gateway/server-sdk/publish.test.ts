/**
 * @module publish.test
 * `roomcast/server` publishing against the real gateway (AUTH_MODE=token, API key): `publish`
 * answers the room's seq and the idempotency id it sent; an answer lost after the room stored the
 * message is retried with the same id and the room publishes it once; transient statuses are
 * retried, final ones are not, and retries are bounded. `publishBatch` answers per entry, in
 * order, splits more than one request's worth, and is as safe to retry.
 */
import { describe, expect, it } from "vitest";
import { RoomcastError } from "../../../src/server";
import { MAX_BATCH_MESSAGES } from "../../../src/shared/limits";
import { freePort } from "../../helpers/gateway";
import { faultyFetch, serverFor } from "../../helpers/server-sdk";
import { tokenModeVars } from "../../helpers/tokens";
import { useGateway } from "../../helpers/use-gateway";

describe("RoomcastServer.publish", () => {
  const gateway = useGateway(tokenModeVars);

  it("publishes one message: the seq, the id it sent (a UUID when none was given), and the message in history", async () => {
    const server = serverFor(gateway);
    const first = await server.publish("sdk-pub-one", { px: 1 }, { topic: "AAPL" });
    const second = await server.publish("sdk-pub-one", "two", { id: "my-id-2" });
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).toEqual({ seq: first.seq + 1, id: "my-id-2" });
    const page = await server.history("sdk-pub-one");
    expect(page.messages.map(({ seq, topic, from, data }) => ({ seq, topic, from, data }))).toEqual([
      { seq: first.seq, topic: "AAPL", from: "api", data: { px: 1 } },
      { seq: second.seq, topic: undefined, from: "api", data: "two" },
    ]);
  });

  it("retries a publish whose answer was lost with the same id: the room publishes it once", async () => {
    const faulty = faultyFetch(["lose-answer", "lose-answer"]);
    const published = await serverFor(gateway, { fetch: faulty.fetch }).publish("sdk-pub-lost", { order: 7 });
    expect(faulty.requests).toHaveLength(3);
    expect(new Set(faulty.requests.map((request) => request.body.id))).toEqual(new Set([published.id]));
    const page = await serverFor(gateway).history("sdk-pub-lost");
    expect(page.messages.map((message) => [message.seq, message.data])).toEqual([[published.seq, { order: 7 }]]);
  });

  it("retries 503 and 429 (after Retry-After, capped) and succeeds; does not retry a 400", async () => {
    const transient = faultyFetch([
      { status: 503, code: "room_unavailable" },
      { status: 429, code: "too_many_connections", headers: { "Retry-After": "1" } },
    ]);
    const published = await serverFor(gateway, { fetch: transient.fetch }).publish("sdk-pub-retry", 1);
    expect(published.seq).toBe(1);
    expect(transient.requests).toHaveLength(3);

    const counted = faultyFetch([]);
    const refused = await serverFor(gateway, { fetch: counted.fetch })
      .publish("sdk-pub-retry", 2, { topic: "x".repeat(10_000) })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RoomcastError);
    expect(refused).toMatchObject({ status: 400, code: "bad_request", attempts: 1 });
    expect(counted.requests).toHaveLength(1);
  });

  it("gives up after retry.attempts requests when the gateway is unreachable: status 0, network_error", async () => {
    const closedPort = await freePort();
    const server = serverFor(gateway, { url: `http://127.0.0.1:${closedPort}`, retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 } });
    const error = await server.publish("sdk-pub-down", 1).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RoomcastError);
    expect(error).toMatchObject({ status: 0, code: "network_error", attempts: 4 });
  });

  it("refuses a room name the gateway would refuse, before sending anything", async () => {
    const counted = faultyFetch([]);
    await expect(serverFor(gateway, { fetch: counted.fetch }).publish("../admin", 1)).rejects.toThrow(TypeError);
    expect(counted.requests).toHaveLength(0);
  });
});

describe("RoomcastServer.publishBatch", () => {
  const gateway = useGateway(tokenModeVars);

  it("answers every entry in order, with its id; a bad entry gets its own error and the others are published", async () => {
    const server = serverFor(gateway);
    const results = await server.publishBatch([
      { room: "sdk-batch-a", data: 1 },
      { room: "sdk-batch-b", data: 2, topic: "t", id: "b-1" },
      { room: "sdk-batch-a", data: 3, topic: "" },
      { room: "sdk-batch-a", data: 4 },
    ]);
    expect(results).toMatchObject([
      { room: "sdk-batch-a", seq: 1 },
      { room: "sdk-batch-b", seq: 1, id: "b-1" },
      { room: "sdk-batch-a", error: { code: "bad_request" } },
      { room: "sdk-batch-a", seq: 2 },
    ]);
    expect(new Set(results.map((result) => result.id)).size).toBe(4);
    expect((await server.history("sdk-batch-a")).messages.map((message) => message.data)).toEqual([1, 4]);
  });

  it(`sends more than ${MAX_BATCH_MESSAGES} messages as several requests, in order`, async () => {
    const count = MAX_BATCH_MESSAGES + 50;
    const counted = faultyFetch([]);
    const server = serverFor(gateway, { fetch: counted.fetch });
    const results = await server.publishBatch(Array.from({ length: count }, (_, i) => ({ room: "sdk-batch-big", data: i })));
    expect(counted.requests).toHaveLength(2);
    expect(results.map((result) => result.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    const page = await server.history("sdk-batch-big", { limit: 1000 });
    expect(page.messages.map((message) => message.data)).toEqual(Array.from({ length: count }, (_, i) => i));
  });

  it("retries a batch whose answer was lost with the same ids: every message is published once", async () => {
    const faulty = faultyFetch(["lose-answer"]);
    const results = await serverFor(gateway, { fetch: faulty.fetch }).publishBatch([
      { room: "sdk-batch-lost", data: "x" },
      { room: "sdk-batch-lost", data: "y" },
    ]);
    expect(faulty.requests).toHaveLength(2);
    expect(faulty.requests[1]!.body).toEqual(faulty.requests[0]!.body);
    expect(results.map((result) => result.seq)).toEqual([1, 2]);
    expect((await serverFor(gateway).history("sdk-batch-lost")).messages.map((message) => message.data)).toEqual(["x", "y"]);
  });
});
