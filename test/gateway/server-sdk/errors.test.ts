/**
 * @module errors.test
 * Every refusal of the real gateway (AUTH_MODE=token) reaches the caller of `roomcast/server` as
 * a `RoomcastError` with the HTTP status and the API's error code and message: 401 without or
 * with a wrong key, 403 for a token without `admin`, 400 for a bad body or query, 404 for an
 * absent connection. None of them is retried.
 */
import { describe, expect, it } from "vitest";
import { RoomcastError } from "../../../src/server";
import { faultyFetch, serverFor } from "../../helpers/server-sdk";
import { tokenModeVars } from "../../helpers/tokens";
import { useGateway } from "../../helpers/use-gateway";

async function failure(call: Promise<unknown>): Promise<RoomcastError> {
  const outcome = await call.then(
    (value) => new Error(`expected a RoomcastError, got ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
  if (!(outcome instanceof RoomcastError)) throw outcome;
  return outcome;
}

describe("RoomcastError from the gateway's answers", () => {
  const gateway = useGateway(tokenModeVars);

  it("401 unauthorized without an API key and with a wrong one", async () => {
    for (const apiKey of [undefined, "not-the-key"]) {
      const counted = faultyFetch([]);
      const error = await failure(serverFor(gateway, { apiKey, fetch: counted.fetch }).info("sdk-err-auth"));
      expect(error).toMatchObject({ name: "RoomcastError", status: 401, code: "unauthorized", attempts: 1 });
      expect(error.message).toMatch(/\S/);
      expect(counted.requests).toHaveLength(1);
    }
  });

  it("403 forbidden for a connection token (no admin capability) used as the API key", async () => {
    const token = await serverFor(gateway).mintToken({ sub: "user", rooms: ["*"] });
    const error = await failure(serverFor(gateway, { apiKey: token }).publish("sdk-err-forbidden", 1));
    expect(error).toMatchObject({ status: 403, code: "forbidden" });
  });

  it("400 bad_request for a bad publish body and a bad history query", async () => {
    const server = serverFor(gateway);
    expect(await failure(server.publish("sdk-err-bad", undefined))).toMatchObject({ status: 400, code: "bad_request" });
    expect(await failure(server.history("sdk-err-bad", { since: -1 }))).toMatchObject({ status: 400, code: "bad_request" });
    expect(await failure(server.requestTicket("sdk-err-bad", { ttlSeconds: 100_000 }))).toMatchObject({ status: 400, code: "bad_request" });
  });

  it("404 not_found for a connection that is not in the room", async () => {
    const error = await failure(serverFor(gateway).kick("sdk-err-kick", "0123456789abcdef"));
    expect(error).toMatchObject({ status: 404, code: "not_found", message: "no such connection in this room" });
  });
});
