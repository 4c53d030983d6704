/**
 * @module room-list
 * The live-room directory: `GET /rooms?prefix=&limit=&cursor=` (API key or admin token) lists
 * occupied rooms with their connection and user counts; each name opens that room in the
 * console. Refreshed every ROOM_LIST_REFRESH_MS and on demand; "more" follows the cursor. A
 * gateway without the directory answers 404, shown as "directory not available".
 */
import { byId, clockTime, el } from "../dom";
import { ApiError, callApi } from "./api";
import { describeApiError, type ErrorPanel } from "./errors";

export const ROOM_LIST_REFRESH_MS = 5_000;
export const ROOM_LIST_PAGE_SIZE = 100;
const SECOND_MS = 1_000;
const MINUTE_S = 60;
const HOUR_S = 3_600;

export interface DirectoryRoom {
  room: string;
  connections: number;
  users: number;
  since: number;
  updated: number;
}

interface DirectoryPage {
  rooms: DirectoryRoom[];
  cursor: string | null;
}

/** How long ago `ms` was, short: `42s`, `7m`, `3h`. */
function age(ms: number): string {
  const seconds = Math.max(0, Math.round((Date.now() - ms) / SECOND_MS));
  if (seconds < MINUTE_S) return `${seconds}s`;
  if (seconds < HOUR_S) return `${Math.floor(seconds / MINUTE_S)}m`;
  return `${Math.floor(seconds / HOUR_S)}h`;
}

export class RoomListView {
  private readonly body = byId<HTMLTableSectionElement>("rooms-body");
  private readonly status = byId("rooms-status");
  private readonly more = byId<HTMLButtonElement>("rooms-more");
  private readonly prefix = byId<HTMLInputElement>("rooms-prefix");
  private cursor: string | null = null;
  private paged = false;

  constructor(
    private readonly current: string,
    private readonly errors: ErrorPanel,
  ) {
    byId<HTMLFormElement>("rooms-form").addEventListener("submit", (event) => {
      event.preventDefault();
      void this.load();
    });
    this.more.addEventListener("click", () => void this.load(this.cursor ?? undefined));
  }

  start(): void {
    void this.load();
    setInterval(() => {
      // A user paging through a long list keeps their pages; the first page refreshes itself.
      if (!this.paged && document.visibilityState !== "hidden") void this.load();
    }, ROOM_LIST_REFRESH_MS);
  }

  /** Loads the first page (replacing the list), or the page after `cursor` (appending to it). */
  async load(cursor?: string): Promise<void> {
    const query = new URLSearchParams({ limit: String(ROOM_LIST_PAGE_SIZE) });
    if (this.prefix.value.trim()) query.set("prefix", this.prefix.value.trim());
    if (cursor) query.set("cursor", cursor);
    try {
      const page = await callApi<DirectoryPage>("GET", `/rooms?${query}`);
      this.errors.clear("rooms");
      this.show(page, cursor !== undefined);
    } catch (error) {
      const missing = error instanceof ApiError && error.status === 404;
      const text = missing ? `directory not available: ${describeApiError(error)}` : describeApiError(error);
      this.errors.report("rooms", text);
      this.status.textContent = missing ? "directory not available on this gateway" : "room list failed: see the error above";
      this.status.className = "error";
    }
  }

  private show(page: DirectoryPage, append: boolean): void {
    this.paged = append;
    this.cursor = page.cursor;
    this.more.hidden = page.cursor === null;
    const rows = page.rooms.map((room) => this.row(room));
    if (append) this.body.append(...rows);
    else this.body.replaceChildren(...rows);
    const shown = this.body.childElementCount;
    this.status.className = "muted";
    this.status.textContent = shown === 0 ? "no occupied rooms" : `${shown} occupied room${shown === 1 ? "" : "s"}${page.cursor ? ", more below" : ""} · ${clockTime(Date.now())}`;
  }

  private row(room: DirectoryRoom): HTMLTableRowElement {
    const link = el("a", { href: `/?room=${encodeURIComponent(room.room)}` }, room.room);
    const row = el(
      "tr",
      { "data-room": room.room, class: room.room === this.current ? "current" : "" },
      el("td", {}, link),
      el("td", { class: "num" }, String(room.connections)),
      el("td", { class: "num" }, String(room.users)),
      el("td", { class: "muted", title: `occupied since ${new Date(room.since).toISOString()}, updated ${new Date(room.updated).toISOString()}` }, age(room.since)),
    );
    return row;
  }
}
