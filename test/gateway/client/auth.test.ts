/**
 * @module auth.test
 * Acceptance: with a bad token the SDK makes exactly one connection attempt and reports 4001
 * (docs/protocol.md §4: stop); with a token function it asks for a fresh token once more, then stops — or
 * connects, when the fresh token is good. 4003 (token not for this room) stops at once.
 * Connection attempts are counted by a TCP proxy in front of the gateway (AUTH_MODE=token).
 */
import { describe, expect, it } from "vitest";
import { RoomClient } from "../../../src/client";
import { CloseCode } from "../../../src/shared/close-codes";
import { settle } from "../../helpers/clients";
import { useGateway } from "../../helpers/use-gateway";
import { record, waitForState } from "../../helpers/sdk";
import { useSdkClients } from "../../helpers/sdk-clients";
import { mintToken, tokenModeVars } from "../../helpers/tokens";

const BAD_TOKEN = "not.a-valid.jwt";
const FAST_RECONNECT = { initialDelayMs: 20, maxDelayMs: 200 };
/** Long enough for a (wrong) retry to have happened after the close. */
const NO_RETRY_GRACE_MS = 500;

describe("RoomClient with connection tokens (AUTH_MODE=token)", () => {
  const gateway = useGateway(tokenModeVars);
  const { proxy, track } = useSdkClients(gateway);

  it("makes exactly one connection attempt with a bad token string and reports 4001", async () => {
    const acceptedBefore = proxy.accepted;
    const client = new RoomClient({ url: proxy.wsUrl, room: "auth-string", token: BAD_TOKEN, reconnect: FAST_RECONNECT });
    track(client);
    const seen = record(client);
    const closed = await waitForState(seen, "closed", "the client gave up with 4001");
    await settle(NO_RETRY_GRACE_MS);
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
    track(client);
    const seen = record(client);
    const closed = await waitForState(seen, "closed", "the client gave up with 4001 after one refresh");
    await settle(NO_RETRY_GRACE_MS);
    expect(closed.code).toBe(CloseCode.unauthorized);
    expect(tokenCalls).toBe(2);
    expect(proxy.accepted - acceptedBefore).toBe(2);
  });

  it("connects with a token from a token function, sent as a subprotocol entry, as the token's user", async () => {
    const client = track(new RoomClient({ url: proxy.wsUrl, room: "auth-good", token: () => mintToken({ sub: "ada" }), reconnect: FAST_RECONNECT }));
    const seen = record(client);
    await waitForState(seen, "open", "welcomed with a valid token");
    expect(seen.presence.at(-1)?.members.find((member) => member.connectionId === client.connectionId)?.userId).toBe("ada");
  });

  it("connects on the retry when the fresh token after a 4001 is good", async () => {
    let tokenCalls = 0;
    const client = track(new RoomClient({ url: proxy.wsUrl, room: "auth-refresh", token: async () => (++tokenCalls === 1 ? BAD_TOKEN : mintToken()), reconnect: FAST_RECONNECT }));
    const seen = record(client);
    await waitForState(seen, "open", "welcomed after refreshing the token");
    expect(tokenCalls).toBe(2);
    expect(seen.states.map((change) => change.code ?? change.state)).toEqual(["connecting", CloseCode.unauthorized, "open"]);
  });

  it("stops at once on 4003 when the token is not for this room", async () => {
    const acceptedBefore = proxy.accepted;
    const client = track(new RoomClient({ url: proxy.wsUrl, room: "auth-other", token: () => mintToken({ rooms: ["elsewhere"] }), reconnect: FAST_RECONNECT }));
    const seen = record(client);
    const closed = await waitForState(seen, "closed", "the client gave up with 4003");
    await settle(NO_RETRY_GRACE_MS);
    expect(closed.code).toBe(CloseCode.forbidden);
    expect(proxy.accepted - acceptedBefore).toBe(1);
  });
});
