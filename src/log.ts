/**
 * @module log
 * Structured JSON log lines (one object per line). Callers pass only identifiers and codes:
 * never a token, secret, API key or message body.
 */

export type LogEvent = "wake" | "connect" | "close" | "reject" | "error" | "config_error";

export interface LogFields {
  room?: string;
  connectionId?: string;
  code?: number;
  reason?: string;
  status?: number;
  connections?: number;
  /** An error's name only: messages may carry input, stacks carry internals. */
  errorName?: string;
}

export type LogLevel = "info" | "error";

/** LOG_LEVEL: "info" logs every connect/close/reject; "error" only errors (busy rooms, load tests). */
let threshold: LogLevel = "info";

export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

export function log(event: LogEvent, fields: LogFields): void {
  if (threshold === "error" && event !== "error" && event !== "config_error") return;
  const line = JSON.stringify({ level: event === "error" || event === "config_error" ? "error" : "info", event, ...fields });
  if (event === "error" || event === "config_error") console.error(line);
  else console.log(line);
}
