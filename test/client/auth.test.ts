/**
 * @module auth.test
 * Acceptance: with a bad token the SDK makes exactly one connection attempt and reports 4001
 * (SPEC §4: stop); with a token function it asks for a fresh token once more, then stops.
 * Connection attempts are counted by a TCP proxy in front of the gateway (AUTH_MODE=token).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RoomClient } from "../../src/client";
import { CloseCode } from "../../src/shared/close-codes";
import { startGateway, type Gateway } from "../helpers/gateway";
import { record, waitForState } from "../helpers/sdk";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy";

const BAD_TOKEN = "not.a-valid.jwt";
const TEST_SECRETS = { JWT_SECRET: "test-jwt-secret-0123456789abcdef", API_KEY: "test-api-key" };
const FAST_RECONNECT = { initialDelayMs: 20, maxDelayMs: 200 };
/** Long enough for a (wrong) retry to have happened after the close. */
const NO_RETRY_GRACE_MS = 500;

describe("RoomClient with a bad token", () => {
  let gateway: Gateway;
  let proxy: TcpProxy;
  const clients: RoomClient[] = [];

  beforeAll(async () => {
    gateway = await startGateway({ vars: { AUTH_MODE: "token", ...TEST_SECRETS } });
    proxy = await startTcpProxy(gateway.port);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await proxy?.close();
    await gateway?.stop();
  });

  it("makes exactly one connection attempt with a bad token string and reports 4001", async () => {
    const acceptedBefore = proxy.accepted;
    const client = new RoomClient({ url: proxy.wsUrl, room: "auth-string", token: BAD_TOKEN, reconnect: FAST_RECONNECT });
    clients.push(client);
    const seen = record(client);
    const closed = await waitForState(seen, "closed", "the client gave up with 4001");
    await new Promise((resolve) => setTimeout(resolve, NO_RETRY_GRACE_MS));
    expect(closed.code).toBe(CloseCode.unauthorized);
    expect(proxy.accepted - acceptedBefore).toBe(1);
    expect(seen.states.map((change) => change.state)).toEqual(["connecting", "closed"]);
  });

  it("calls a token function once more after 4001, then gives up: two attempts", async () => {
    const acceptedBefore = proxy.accepted;
    let tokenCalls = 0;
    const client = new RoomClient({
      url: proxy.wsUrl,
      room: "auth-function",
      token: () => {
        tokenCalls++;
        return `${BAD_TOKEN}-${tokenCalls}`;
      },
      reconnect: FAST_RECONNECT,
    });
    clients.push(client);
    const seen = record(client);
    const closed = await waitForState(seen, "closed", "the client gave up with 4001 after one refresh");
    await new Promise((resolve) => setTimeout(resolve, NO_RETRY_GRACE_MS));
    expect(closed.code).toBe(CloseCode.unauthorized);
    expect(tokenCalls).toBe(2);
    expect(proxy.accepted - acceptedBefore).toBe(2);
  });
});
