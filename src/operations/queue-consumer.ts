/**
 * @module queue-consumer
 * The Worker's `queue()` handler (docs/operations.md). Occupancy reports from rooms: the batch is
 * applied to the D1 directory (directory.ts, guarded by event number, so a retry or a stale
 * report changes nothing), then its events go out as one signed webhook (webhook-delivery.ts)
 * when WEBHOOK_URL is set. A D1 failure, a non-2xx or a timeout retries every message of the
 * batch with a doubling delay (WEBHOOK_RETRY_SECONDS); after the consumer's `max_retries` the
 * queue moves them to the dead-letter queue, whose messages this handler also consumes
 * (dead-letters.ts). A queue whose name ends in `-dlq` is taken as the dead-letter queue.
 */
import { configFrom } from "../config";
import type { Env } from "../env";
import { log } from "../log";
import { readOccupancyReport, type OccupancyReport } from "../shared/occupancy-report";
import { consumeDeadLetters } from "./dead-letters";
import { applyReports } from "./directory";
import { webhookRetryDelaySeconds } from "./operations-config";
import { deliverWebhook, webhookEvents } from "./webhook-delivery";

export const DEAD_LETTER_QUEUE_SUFFIX = "-dlq";

export async function handleQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  if (batch.queue.endsWith(DEAD_LETTER_QUEUE_SUFFIX)) return consumeDeadLetters(batch, env);
  return consumeReports(batch, env);
}

async function consumeReports(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const { operations } = configFrom(env);
  const reports: OccupancyReport[] = [];
  const accepted: Message<unknown>[] = [];
  const retryAll = (reason: string) => {
    for (const message of accepted) message.retry({ delaySeconds: webhookRetryDelaySeconds(operations.webhookRetrySeconds, message.attempts) });
    log("webhook_retry", { reason, messages: accepted.length, attempts: Math.max(...accepted.map((message) => message.attempts)) });
  };
  for (const message of batch.messages) {
    const report = readOccupancyReport(message.body);
    if (report) {
      reports.push(report);
      accepted.push(message);
    } else {
      // It can never succeed: straight to the dead-letter log instead of retrying.
      log("event_dead", { eventId: message.id, reason: "queue message is not an occupancy report" });
      message.ack();
    }
  }
  if (reports.length === 0) return;
  const now = Date.now();
  if (env.DIRECTORY) {
    try {
      await applyReports(env.DIRECTORY, reports, now);
    } catch (error) {
      log("error", { where: "consumeReports", reason: "directory not updated; retrying the batch", error });
      retryAll("directory not updated");
      return;
    }
  }
  const { webhookUrl, webhookSecret } = operations;
  if (webhookUrl && webhookSecret) {
    const events = webhookEvents(reports, operations.webhookEvents);
    if (events.length > 0) {
      const result = await deliverWebhook(webhookUrl, webhookSecret, events, now);
      if (!result.ok) {
        retryAll(`webhook ${result.reason}`);
        return;
      }
    }
  }
  for (const message of accepted) message.ack();
}
