/**
 * @module quotes
 * Live quotes ticker demo at `/quotes?room=quotes`: subscribes to a few topics through the
 * SDK (exact `AAPL`, prefix `fx.*`); the room sends the latest quote of each topic on connect
 * (snapshots), then live ones. Quotes have the README's shape: topic `AAPL` or `fx.eurusd`, data
 * `{"px": 101.5}`, so the README's curl lines show up here. "Run demo feed" publishes a random
 * walk over the HTTP API, as a backend would. In token mode it uses the token and API key saved
 * in the console's credentials (this tab's sessionStorage).
 */
import { RoomClient, type RoomMessage } from "../src/client";
import { byId, clockTime, el, queryParam } from "./dom";
import { apiKey, connectionToken } from "./console/credentials";

const DEFAULT_ROOM = "quotes";
const TOPIC_FILTERS = ["AAPL", "MSFT", "NVDA", "fx.*"];
/** What the demo feed publishes, with a starting price. */
const FEED_SYMBOLS: Record<string, number> = { AAPL: 101.5, MSFT: 420, NVDA: 140, "fx.eurusd": 1.0912, "fx.usdjpy": 151.2 };
const FEED_INTERVAL_MS = 250;
/** Largest step of the random walk, as a fraction of the price. */
const FEED_MAX_STEP = 0.004;
const PRICE_DECIMALS_SMALL = 4;
const PRICE_DECIMALS = 2;
/** Prices under this get more decimals (fx rates). */
const SMALL_PRICE = 10;

/** A quote's data, as in the README's quote feed example: `{"px": 101.5}`. */
interface Quote {
  px: number;
}

const room = queryParam("room", DEFAULT_ROOM);
const rows = new Map<string, { row: HTMLTableRowElement; price?: number }>();

function format(price: number): string {
  return price.toFixed(price < SMALL_PRICE ? PRICE_DECIMALS_SMALL : PRICE_DECIMALS);
}

function rowFor(topic: string) {
  let entry = rows.get(topic);
  if (!entry) {
    const row = el("tr", {}, el("td", { class: "symbol" }, topic), el("td", { class: "price" }, "–"), el("td", { class: "change" }, ""), el("td", { class: "muted" }, ""));
    row.dataset.topic = topic;
    byId("quotes-body").append(row);
    entry = { row };
    rows.set(topic, entry);
  }
  return entry;
}

function show(message: RoomMessage): void {
  const quote = message.data as Partial<Quote> | null;
  if (!message.topic || typeof quote?.px !== "number") return;
  const entry = rowFor(message.topic);
  const [, priceCell, changeCell, seqCell] = entry.row.cells;
  const change = entry.price === undefined ? 0 : quote.px - entry.price;
  priceCell!.textContent = format(quote.px);
  changeCell!.textContent = change === 0 ? "" : `${change > 0 ? "▲" : "▼"} ${format(Math.abs(change))}`;
  changeCell!.className = `change ${change > 0 ? "up" : change < 0 ? "down" : ""}`;
  seqCell!.textContent = `#${message.seq}${message.snapshot ? " (snapshot)" : ""} · ${clockTime(message.ts)}`;
  entry.row.classList.remove("flash-up", "flash-down");
  void entry.row.offsetWidth; // restart the CSS animation
  if (change !== 0) entry.row.classList.add(change > 0 ? "flash-up" : "flash-down");
  entry.price = quote.px;
}

function startFeed(): () => void {
  const prices = { ...FEED_SYMBOLS };
  const symbols = Object.keys(prices);
  const timer = setInterval(() => {
    const topic = symbols[Math.floor(Math.random() * symbols.length)]!;
    const px = prices[topic]! * (1 + (Math.random() * 2 - 1) * FEED_MAX_STEP);
    prices[topic] = px;
    const key = apiKey();
    void fetch(`/rooms/${encodeURIComponent(room)}/messages`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(key ? { Authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ topic, data: { px } }),
    }).then(
      (response) => {
        if (!response.ok) byId("feed-status").textContent = `feed: HTTP ${response.status}${response.status === 401 ? " (set an API key in the console's credentials)" : ""}`;
      },
      (error: Error) => (byId("feed-status").textContent = `feed: ${error.message}`),
    );
  }, FEED_INTERVAL_MS);
  return () => clearInterval(timer);
}

function start(): void {
  byId("room-name").textContent = room;
  byId("filters").textContent = TOPIC_FILTERS.join(", ");
  // A row per exact topic from the start; prefix filters (fx.*) add rows as quotes arrive.
  for (const filter of TOPIC_FILTERS) if (!filter.endsWith("*")) rowFor(filter);
  const client = new RoomClient({ url: location.origin, room, topics: TOPIC_FILTERS, token: connectionToken() });
  client.on("state", (change) => {
    const badge = byId("state");
    badge.textContent = change.state + (change.code ? ` (${change.code}${change.reason ? `: ${change.reason}` : ""})` : "");
    badge.className = `badge ${change.state}`;
  });
  client.on("message", show);

  let stopFeed: (() => void) | undefined;
  const button = byId<HTMLButtonElement>("feed");
  button.addEventListener("click", () => {
    if (stopFeed) {
      stopFeed();
      stopFeed = undefined;
      button.textContent = "run demo feed";
    } else {
      stopFeed = startFeed();
      button.textContent = "stop demo feed";
    }
  });
  (globalThis as { roomcast?: unknown }).roomcast = { client };
}

start();
