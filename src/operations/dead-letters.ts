/**
 * @module dead-letters
 * The dead-letter queue's consumer: reports whose delivery failed every attempt. Each of their
 * events is logged (`event_dead`, with id, room, type and n) and kept in D1 `dead_events`, so an
 * operator can see and replay what a receiver missed; nothing is dropped silently. A D1 failure
 * retries the message (the log line is already out).
 */
import type { Env } from "../env";
import { log } from "../log";
import { readOccupancyReport } from "../shared/occupancy-report";
import { ensureDirectorySchema } from "./directory-schema";

const INSERT_DEAD = `INSERT OR IGNORE INTO dead_events (id, room, type, n, event, dead_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)`;
/** A D1 failure here is retried after this long. */
const DEAD_LETTER_RETRY_SECONDS = 30;

export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const now = Date.now();
  for (const message of batch.messages) {
    const report = readOccupancyReport(message.body);
    if (!report) {
      log("event_dead", { reason: "dead-lettered message is not an occupancy report", eventId: message.id });
      message.ack();
      continue;
    }
    for (const event of report.events) log("event_dead", { room: event.room, eventId: event.id, type: event.type, n: event.n, attempts: message.attempts });
    if (report.events.length === 0) log("event_dead", { room: report.room, n: report.n, reason: "counts refresh not applied" });
    const db = env.DIRECTORY;
    if (!db || report.events.length === 0) {
      message.ack();
      continue;
    }
    try {
      await ensureDirectorySchema(db);
      await db.batch(report.events.map((event) => db.prepare(INSERT_DEAD).bind(event.id, event.room, event.type, event.n, JSON.stringify(event), now)));
      message.ack();
    } catch (error) {
      log("error", { room: report.room, where: "consumeDeadLetters", reason: "dead events not stored; retrying", error });
      message.retry({ delaySeconds: DEAD_LETTER_RETRY_SECONDS });
    }
  }
}
