/**
 * @module console
 * The web console at `/?room=NAME`: connects through the SDK (roomcast/client) and shows the
 * connection state, the presence list, a live log of messages (seq, topic, from, data), a send
 * box, and the room's counters from `GET /rooms/:room/info` (polled; a 404 or 401 is shown, not
 * fatal).
 */
import { RoomClient, type Member, type RoomMessage, type StateChange } from "../src/client";
import { appendCapped, byId, clockTime, el, parseTyped, preview, queryParam } from "./dom";

const DEFAULT_ROOM = "lobby";
const INFO_POLL_MS = 2_000;
const MAX_LOG_ROWS = 500;
const MAX_EVENT_ROWS = 200;
const DATA_PREVIEW_CHARS = 200;
const INFO_VALUE_CHARS = 60;
/** Lists in the info answer show their length and this many entries. */
const INFO_LIST_PREVIEW_ITEMS = 1;
/** Epochs are long random ids; this many characters tell them apart on screen. */
const EPOCH_PREVIEW_CHARS = 8;

const room = queryParam("room", DEFAULT_ROOM);
const token = new URLSearchParams(location.search).get("token") ?? undefined;

function stateText(change: StateChange): string {
  const code = change.code === undefined ? "" : ` (${change.code}${change.reason ? `: ${change.reason}` : ""})`;
  const retry = change.delayMs === undefined ? "" : `, retry in ${change.delayMs} ms`;
  return `${change.state}${code}${retry}`;
}

function logEvent(text: string, kind = "info"): void {
  appendCapped(byId("events"), el("li", { class: kind }, `${clockTime(Date.now())} ${text}`), MAX_EVENT_ROWS);
}

function renderMessage(message: RoomMessage): void {
  const row = el(
    "tr",
    { class: message.snapshot ? "snapshot" : "" },
    el("td", { class: "seq" }, String(message.seq)),
    el("td", {}, message.topic ?? ""),
    el("td", { class: "from" }, message.from),
    el("td", { class: "data" }, preview(message.data, DATA_PREVIEW_CHARS)),
    el("td", { class: "time" }, clockTime(message.ts)),
  );
  row.dataset.seq = String(message.seq);
  appendCapped(byId("log-body"), row, MAX_LOG_ROWS);
  byId("log-scroll").scrollTop = byId("log-scroll").scrollHeight;
}

/** The list while the room lists its members; only the count once it is over its list size. */
function renderMembers(members: Member[], self: string | undefined, memberCount: number): void {
  const list = byId("members");
  list.replaceChildren(
    ...members.map((member) =>
      el(
        "li",
        { class: member.connectionId === self ? "self" : "" },
        el("code", {}, member.connectionId),
        member.userId ? ` ${member.userId}` : undefined,
        member.state === undefined ? undefined : el("span", { class: "member-state" }, ` ${preview(member.state, DATA_PREVIEW_CHARS)}`),
      ),
    ),
  );
  byId("member-count").textContent = String(memberCount);
}

/** Flattens the info answer into rows: nested objects one level deep (indented), lists as counts plus a preview. */
function infoRows(value: Record<string, unknown>, nested = false): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  for (const [key, item] of Object.entries(value)) {
    const name = nested ? `· ${key}` : key;
    if (Array.isArray(item)) rows.push([name, `${item.length} · ${preview(item.slice(0, INFO_LIST_PREVIEW_ITEMS), INFO_VALUE_CHARS)}`]);
    else if (item && typeof item === "object" && !nested) rows.push([name, ""], ...infoRows(item as Record<string, unknown>, true));
    else rows.push([name, preview(item, INFO_VALUE_CHARS)]);
  }
  return rows;
}

async function refreshInfo(): Promise<void> {
  const target = byId("info");
  try {
    const response = await fetch(`/rooms/${encodeURIComponent(room)}/info`);
    if (!response.ok) {
      const hint = response.status === 404 ? "this gateway has no info endpoint" : response.status === 401 ? "the HTTP API needs an API key" : "";
      target.replaceChildren(el("p", { class: "muted" }, `GET /rooms/${room}/info → ${response.status}${hint ? ` (${hint})` : ""}`));
      return;
    }
    const info = (await response.json()) as Record<string, unknown>;
    target.replaceChildren(el("table", {}, ...infoRows(info).map(([key, value]) => el("tr", {}, el("th", {}, key), el("td", {}, value)))));
  } catch (error) {
    target.replaceChildren(el("p", { class: "muted" }, `info unavailable: ${(error as Error).message}`));
  }
}

function start(): void {
  document.title = `roomcast · ${room}`;
  byId<HTMLInputElement>("room-input").value = room;
  byId("room-name").textContent = room;

  // echo: the console's own publishes appear in the log too, where the room placed them.
  const client = new RoomClient({ url: location.origin, room, token, echo: true });
  const badge = byId("state");
  client.on("state", (change) => {
    badge.textContent = stateText(change);
    badge.className = `badge ${change.state}`;
    byId("connection-id").textContent = client.connectionId ?? "–";
    logEvent(`state: ${stateText(change)}`, change.state === "closed" ? "error" : "info");
    if (change.state === "open") void refreshInfo();
  });
  client.on("message", (message) => {
    renderMessage(message);
    byId("position").textContent = client.position ? `epoch ${client.position.epoch.slice(0, EPOCH_PREVIEW_CHARS)}… · seq ${client.position.seq}` : "–";
  });
  client.on("presence", (change) => renderMembers(change.members, client.connectionId, change.memberCount));
  client.on("direct", (direct) => logEvent(`direct from ${direct.from}: ${preview(direct.data, DATA_PREVIEW_CHARS)}`));
  client.on("resume", (outcome) =>
    logEvent(outcome.recovered ? `resumed after seq ${outcome.lastSeq}` : `continuity lost: room at seq ${outcome.roomSeq}${outcome.epochChanged ? " in a new epoch" : ""}`, outcome.recovered ? "info" : "warn"),
  );
  client.on("error", (error) => logEvent(`error ${error.code}: ${error.message}`, "error"));

  byId<HTMLFormElement>("send-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const dataInput = byId<HTMLTextAreaElement>("send-data");
    const topic = byId<HTMLInputElement>("send-topic").value.trim();
    const data = parseTyped(dataInput.value);
    const status = byId("send-status");
    status.textContent = client.state === "open" ? "sending…" : `queued (${client.state})`;
    client.publish(data, topic ? { topic } : {}).then(
      (seq) => {
        status.textContent = `acked as seq ${seq}`;
        void refreshInfo();
      },
      (error: Error) => (status.textContent = `not sent: ${error.message}`),
    );
    dataInput.value = "";
    dataInput.focus();
  });
  byId<HTMLFormElement>("presence-form").addEventListener("submit", (event) => {
    event.preventDefault();
    client.setPresence(parseTyped(byId<HTMLInputElement>("presence-state").value));
  });

  void refreshInfo();
  setInterval(() => void refreshInfo(), INFO_POLL_MS);
  // For scripts and tests driving the page.
  (globalThis as { roomcast?: unknown }).roomcast = { client };
}

start();
