/**
 * @module log
 * Structured JSON log lines (one object per line). Callers pass identifiers, codes and the
 * error itself: an error becomes its name, a redacted message and its top frame
 * (error-summary.ts), never a stack. Callers never pass a token, secret, API key or message
 * body; as a second guard, the configured secrets are blanked in every line (`setLogSecrets`).
 */
import { summarizeError } from "./error-summary";

export type LogEvent = "wake" | "connect" | "close" | "reject" | "error" | "config_error" | "placement" | "drain" | "webhook_retry" | "event_dead";

export interface LogFields {
  room?: string;
  connectionId?: string;
  code?: number;
  reason?: string;
  status?: number;
  connections?: number;
  /** Occupancy events (docs/operations.md): the event, its kind and number, delivery attempts so far. */
  eventId?: string;
  type?: string;
  n?: number;
  attempts?: number;
  /** Queue messages a retry covers. */
  messages?: number;
  /** The setting a config_error is about. */
  setting?: string;
  /** Which handler failed, e.g. "POST /rooms/:room/messages" or "Room.webSocketMessage". */
  where?: string;
  /** The failure; logged as `errorName`, a redacted `message` and `at` (file:line of its top frame). */
  error?: unknown;
}

export type LogLevel = "info" | "error";

/** LOG_LEVEL: "info" logs every connect/close/reject; "error" only errors (busy rooms, load tests). */
let threshold: LogLevel = "info";
/** API_KEY and JWT_SECRET: blanked wherever they appear in a line. */
let secrets: string[] = [];

export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

export function setLogSecrets(values: ReadonlyArray<string | undefined>): void {
  secrets = values.filter((value): value is string => typeof value === "string" && value !== "");
}

export function log(event: LogEvent, fields: LogFields): void {
  // Failed webhook attempts and dead events are failures an operator must see at any level.
  const isError = event === "error" || event === "config_error" || event === "webhook_retry" || event === "event_dead";
  if (threshold === "error" && !isError) return;
  const { error, ...rest } = fields;
  const described = "error" in fields ? summarizeError(error) : {};
  let line = JSON.stringify({ level: isError ? "error" : "info", event, ...rest, ...described });
  for (const secret of secrets) {
    // As written, and as JSON.stringify escapes it inside a string (quotes, backslashes).
    for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)])) line = line.split(form).join("[secret]");
  }
  if (isError) console.error(line);
  else console.log(line);
}
