/**
 * @module errors
 * The page's error panel: every failure the console meets — HTTP API answers (400 bad room,
 * 401/403 auth, 404, 500 invalid_config…), socket close codes, room error frames — is shown
 * here in words, not only in devtools. Entries are keyed by what failed ("info", "socket", …):
 * the same failure repeating updates its entry (with a count) instead of flooding the list, and
 * a later success clears it.
 */
import { CloseCode } from "../../src/shared/close-codes";
import { clockTime, byId, el } from "../dom";
import { ApiError } from "./api";

const CLOSE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(CloseCode).map(([name, code]) => [code, name]));
/** Codes a browser reports that never travel in a close frame. */
const LOCAL_CLOSE_NAMES: Record<number, string> = { 1005: "no status", 1006: "link lost (no close frame)" };

/** What the user can do about an HTTP error, by status (and code where it matters). */
function hintFor(error: ApiError): string {
  if (error.status === 0) return "the gateway did not answer";
  if (error.code === "invalid_room") return "fix the room name";
  if (error.code === "invalid_config") return "the gateway's configuration is invalid: fix the setting named above and restart it";
  if (error.status === 401) return "set an API key (or admin token) under credentials";
  if (error.status === 403) return "the key or token does not cover this room or action";
  return "";
}

/** One line for an API failure: `GET /rooms/x/info → 401 unauthorized: message (hint)`. */
export function describeApiError(error: unknown): string {
  if (!(error instanceof ApiError)) return (error as Error)?.message ?? String(error);
  const hint = hintFor(error);
  const status = error.status === 0 ? "no answer" : String(error.status);
  return `${error.method} ${error.path} → ${status} ${error.code}: ${error.message}${hint ? ` (${hint})` : ""}`;
}

/** `4009 kicked: reason` for a close code, with its name from the protocol's table. */
export function describeClose(code: number | undefined, reason: string | undefined): string {
  if (code === undefined) return "closed";
  const name = CLOSE_NAMES[code] ?? LOCAL_CLOSE_NAMES[code] ?? "unknown code";
  return `${code} ${name}${reason ? `: ${reason}` : ""}`;
}

interface Entry {
  row: HTMLLIElement;
  text: HTMLSpanElement;
  time: HTMLSpanElement;
  count: number;
  message: string;
}

export class ErrorPanel {
  private readonly list = byId<HTMLUListElement>("errors");
  private readonly entries = new Map<string, Entry>();

  /** Shows (or updates) the error for `key`; `kind` "warn" for what the console recovers from itself. */
  report(key: string, message: string, kind: "error" | "warn" = "error"): void {
    let entry = this.entries.get(key);
    if (!entry) {
      const text = el("span", { class: "error-text" });
      const time = el("span", { class: "muted error-time" });
      const dismiss = el("button", { type: "button", class: "link", "aria-label": `dismiss ${key} error` }, "dismiss");
      const row = el("li", { "data-key": key }, el("strong", {}, `${key} `), text, " ", time, " ", dismiss);
      dismiss.addEventListener("click", () => this.clear(key));
      entry = { row, text, time, count: 0, message: "" };
      this.entries.set(key, entry);
      this.list.append(row);
    }
    entry.count = entry.message === message ? entry.count + 1 : 1;
    entry.message = message;
    entry.row.className = kind;
    entry.text.textContent = message;
    entry.time.textContent = `${clockTime(Date.now())}${entry.count > 1 ? ` ×${entry.count}` : ""}`;
    this.list.hidden = false;
  }

  reportApi(key: string, error: unknown): void {
    this.report(key, describeApiError(error));
  }

  clear(key: string): void {
    this.entries.get(key)?.row.remove();
    this.entries.delete(key);
    this.list.hidden = this.entries.size === 0;
  }
}
