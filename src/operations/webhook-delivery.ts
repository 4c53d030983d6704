/**
 * @module webhook-delivery
 * One webhook request (docs/operations.md): `{"events":[...]}` POSTed to WEBHOOK_URL, signed with
 * WEBHOOK_SECRET (shared/webhook-signature.ts). Anything but a 2xx within WEBHOOK_TIMEOUT_MS is a
 * failure for the caller to retry; the receiver's answer body is never read or logged.
 */
import type { OccupancyEvent, OccupancyEventType } from "../shared/occupancy-events";
import type { OccupancyReport } from "../shared/occupancy-report";
import { signWebhook } from "../shared/webhook-signature";

/** A receiver that has not answered by then failed this attempt. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

export type DeliveryResult = { ok: true } | { ok: false; status?: number; reason: string };

/** The events of a batch of reports that webhooks carry: the kinds asked for, by room then number. */
export function webhookEvents(reports: Iterable<OccupancyReport>, kinds: ReadonlySet<OccupancyEventType>): OccupancyEvent[] {
  const events: OccupancyEvent[] = [];
  for (const report of reports) for (const event of report.events) if (kinds.has(event.type)) events.push(event);
  return events.sort((a, b) => (a.room < b.room ? -1 : a.room > b.room ? 1 : a.n - b.n));
}

export async function deliverWebhook(url: string, secret: string, events: readonly OccupancyEvent[], nowMs: number): Promise<DeliveryResult> {
  const body = JSON.stringify({ events });
  const headers = { "Content-Type": "application/json", "User-Agent": "roomcast-webhooks", ...(await signWebhook(secret, body, nowMs / 1000)) };
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return { ok: false, reason: timedOut ? `no answer within ${WEBHOOK_TIMEOUT_MS} ms` : "request failed" };
  }
  // The body is not ours to read; cancel it so the connection is released.
  await response.body?.cancel();
  return response.ok ? { ok: true } : { ok: false, status: response.status, reason: `answered ${response.status}` };
}
