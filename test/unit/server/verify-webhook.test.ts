/**
 * @module verify-webhook.test
 * `verifyWebhook` against requests signed the way the gateway signs them (signWebhook,
 * src/shared/webhook-signature.ts): a valid request gives its events, from a fetch Request or
 * from a raw body with Node-style headers; a tampered body, a wrong secret, a stale timestamp,
 * missing headers and a signed body of the wrong shape each throw a WebhookVerificationError
 * with its reason.
 */
import { describe, expect, it } from "vitest";
import { WebhookVerificationError, verifyWebhook, type OccupancyEvent, type WebhookFailure } from "../../../src/server";
import { signWebhook } from "../../../src/shared/webhook-signature";

const SECRET = "whsec-test-3f9a";
const NOW_MS = 1_800_000_000_000;
const NOW_SECONDS = NOW_MS / 1000;
const EVENT: OccupancyEvent = { id: "ev-1", type: "room_occupied", room: "lobby", n: 1, ts: NOW_MS - 5, connections: 1, users: 1 };
const BODY = JSON.stringify({ events: [EVENT] });

async function signedRequest(body = BODY, options: { secret?: string; timestampSeconds?: number } = {}): Promise<Request> {
  const headers = await signWebhook(options.secret ?? SECRET, body, options.timestampSeconds ?? NOW_SECONDS);
  return new Request("https://backend.example/hooks/roomcast", { method: "POST", headers: { ...headers, "Content-Type": "application/json" }, body });
}

async function refusal(request: Parameters<typeof verifyWebhook>[0], secret = SECRET): Promise<WebhookFailure> {
  const error = await verifyWebhook(request, secret, { nowMs: NOW_MS }).then(
    () => new Error("the webhook verified"),
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof WebhookVerificationError)) throw error;
  return error.reason;
}

describe("verifyWebhook", () => {
  it("returns the events of a validly signed fetch Request", async () => {
    expect(await verifyWebhook(await signedRequest(), SECRET, { nowMs: NOW_MS })).toEqual({ events: [EVENT] });
  });

  it("accepts the raw body and Node's lower-case headers (Express, node:http)", async () => {
    const signed = await signWebhook(SECRET, BODY, NOW_SECONDS);
    const headers = Object.fromEntries(Object.entries(signed).map(([name, value]) => [name.toLowerCase(), value]));
    expect(await verifyWebhook({ body: BODY, headers }, SECRET, { nowMs: NOW_MS })).toEqual({ events: [EVENT] });
  });

  it("refuses a tampered body", async () => {
    const request = await signedRequest();
    const tampered = new Request(request.url, { method: "POST", headers: request.headers, body: BODY.replace('"lobby"', '"admin"') });
    expect(await refusal(tampered)).toBe("bad_signature");
  });

  it("refuses a signature made with another secret", async () => {
    expect(await refusal(await signedRequest(BODY, { secret: "another-secret" }))).toBe("bad_signature");
  });

  it("refuses a timestamp outside the tolerance (a replay), either way, and honours a custom tolerance", async () => {
    expect(await refusal(await signedRequest(BODY, { timestampSeconds: NOW_SECONDS - 301 }))).toBe("stale_timestamp");
    expect(await refusal(await signedRequest(BODY, { timestampSeconds: NOW_SECONDS + 301 }))).toBe("stale_timestamp");
    const tenMinutesOld = await signedRequest(BODY, { timestampSeconds: NOW_SECONDS - 600 });
    expect(await verifyWebhook(tenMinutesOld, SECRET, { nowMs: NOW_MS, toleranceSeconds: 900 })).toEqual({ events: [EVENT] });
  });

  it("refuses a request without the signature headers", async () => {
    expect(await refusal(new Request("https://backend.example/hooks", { method: "POST", body: BODY }))).toBe("missing_signature");
    expect(await refusal({ body: BODY, headers: { "x-roomcast-signature": "v1=00" } })).toBe("missing_signature");
  });

  it("refuses a correctly signed body that is not {events:[...]}", async () => {
    expect(await refusal(await signedRequest("not json"))).toBe("malformed_body");
    expect(await refusal(await signedRequest('{"events":[{"id":1}]}'))).toBe("malformed_body");
  });
});
