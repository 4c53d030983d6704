/**
 * @module events
 * The connection's event log: state changes with their close codes (1001 after a delete, 1012
 * on a drain, 4009 when kicked…), resume outcomes and actions taken from the page, newest last.
 * The error panel shows what is wrong now; this keeps what happened, for debugging a session.
 */
import { appendCapped, byId, clockTime, el } from "../dom";

const MAX_EVENT_ROWS = 200;

export type EventKind = "info" | "warn" | "error";

export function logEvent(text: string, kind: EventKind = "info"): void {
  appendCapped(byId("events"), el("li", { class: kind }, el("span", { class: "muted" }, `${clockTime(Date.now())} `), text), MAX_EVENT_ROWS);
}
