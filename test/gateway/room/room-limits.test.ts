import { describe, expect, it } from "vitest";
import { MAX_TOPIC_CHARS_PER_CONNECTION, MAX_TOPICS_PER_CONNECTION, MAX_TOPIC_LENGTH } from "../../../src/shared/limits";
import { MAX_PRESENCE_STATE_BYTES } from "../../../src/shared/socket-budget";
import { connectV1, waitForFrame, type Frame, type TestClient } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { rawUpgrade } from "../../helpers/raw-socket";

/** 64 topics of 256 characters: the list that closed with 1011 (subscribe) or HTTP 500 (`?topics=`). */
const LONG_TOPICS = Array.from({ length: MAX_TOPICS_PER_CONNECTION }, (_, i) => `${i}.`.padEnd(MAX_TOPIC_LENGTH, "t"));

async function expectStillServing(client: TestClient, id: string) {
  client.ws.send(JSON.stringify({ type: "ping", id }));
  await waitForFrame(client, (f) => f.type === "pong" && f.id === id, `pong ${id}`);
  expect(client.ws.readyState).toBe(client.ws.OPEN);
}

/** Issue 10 item 4: socket state stays within the 16 KiB attachment; over budget is answered, never 1011 / 500. */
describe("socket state budget", () => {
  const gateway = useGateway({ PRESENCE_STATE_MAX_BYTES: MAX_PRESENCE_STATE_BYTES });

  it("answers a subscribe over the topic budget with bad_request and keeps the connection", async () => {
    const { client } = await connectV1(`${gateway.wsUrl}/rooms/budget-subscribe`);
    client.ws.send(JSON.stringify({ type: "subscribe", topics: LONG_TOPICS }));
    const error = await waitForFrame(client, (f) => f.type === "error", "bad_request for the long topic list");
    expect(error.code).toBe("bad_request");
    expect(error.message).toContain(String(MAX_TOPIC_CHARS_PER_CONNECTION));
    await expectStillServing(client, "after-subscribe");
    client.close();
  });

  it("answers ?topics= over the topic budget with HTTP 400 before the upgrade", async () => {
    const socket = await rawUpgrade(gateway.port, `/rooms/budget-query?topics=${LONG_TOPICS.join(",")}`);
    socket.destroy();
    expect(socket.responseHead).toMatch(/^HTTP\/1\.1 400/);
  });

  it("stores the largest state the budgets allow: longest user, topics and presence, all two-byte", async () => {
    const user = "u".repeat(64);
    const { client } = await connectV1(`${gateway.wsUrl}/rooms/budget-full?user=${user}`);
    // Characters above U+00FF make V8 store two bytes per unit; spread the budget over every topic.
    const perTopic = Math.floor(MAX_TOPIC_CHARS_PER_CONNECTION / MAX_TOPICS_PER_CONNECTION);
    const topics = Array.from({ length: MAX_TOPICS_PER_CONNECTION }, (_, i) => `${i}`.padEnd(perTopic, "ā"));
    client.ws.send(JSON.stringify({ type: "subscribe", topics }));
    await expectStillServing(client, "after-topics");
    // JSON of exactly the limit in bytes, with as many UTF-16 units as bytes allow: ASCII plus one "€".
    const state = "a".repeat(MAX_PRESENCE_STATE_BYTES - 2 - 3) + "€";
    expect(Buffer.byteLength(JSON.stringify(state))).toBe(MAX_PRESENCE_STATE_BYTES);
    client.ws.send(JSON.stringify({ type: "presence", state }));
    await expectStillServing(client, "after-presence");
    // The join and the state go out in one 25 ms presence batch when they fall in the same window
    // (a busy machine): then the state comes in `joined`, else in a later `updated`.
    const announced = (f: Frame): { state?: unknown }[] => [...(f.joined ?? []), ...(f.updated ?? [])];
    const presence = await waitForFrame(client, (f) => f.type === "presence" && announced(f).some((member) => member.state !== undefined), "presence state announced");
    expect(announced(presence).find((member) => member.state !== undefined)!.state).toBe(state);
    client.ws.send(JSON.stringify({ type: "presence", state: state + "x" }));
    expect((await waitForFrame(client, (f) => f.type === "error", "presence over the limit")).code).toBe("bad_request");
    await expectStillServing(client, "after-refused-presence");
    client.close();
  });
});
