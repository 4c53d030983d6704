/**
 * @module quotes
 * Live quotes ticker demo at `/quotes.html?room=quotes`: subscribes to a few topics through the
 * SDK (exact `AAPL`, prefix `fx.*`); the room sends the latest quote of each topic on connect
 * (snapshots), then live ones. "Run demo feed" publishes a random walk over the HTTP API, as a
 * backend would.
 */
import { RoomClient, type RoomMessage } from "../src/client";
import { byId, clockTime, el, queryParam } from "./dom";

const DEFAULT_ROOM = "quotes";
const TOPIC_FILTERS = ["AAPL", "MSFT", "NVDA", "fx.*"];
/** What the demo feed publishes, with a starting price. */
const FEED_SYMBOLS: Record<string, number> = { AAPL: 230, MSFT: 420, NVDA: 140, "fx.EURUSD": 1.08, "fx.USDJPY": 151.2 };
const FEED_INTERVAL_MS = 250;
/** Largest step of the random walk, as a fraction of the price. */
const FEED_MAX_STEP = 0.004;
const PRICE_DECIMALS_SMALL = 4;
const PRICE_DECIMALS = 2;
/** Prices under this get more decimals (fx rates). */
const SMALL_PRICE = 10;

interface Quote {
  price: number;
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
  if (!message.topic || typeof quote?.price !== "number") return;
  const entry = rowFor(message.topic);
  const [, priceCell, changeCell, seqCell] = entry.row.cells;
  const change = entry.price === undefined ? 0 : quote.price - entry.price;
  priceCell!.textContent = format(quote.price);
  changeCell!.textContent = change === 0 ? "" : `${change > 0 ? "▲" : "▼"} ${format(Math.abs(change))}`;
  changeCell!.className = `change ${change > 0 ? "up" : change < 0 ? "down" : ""}`;
  seqCell!.textContent = `#${message.seq}${message.snapshot ? " (snapshot)" : ""} · ${clockTime(message.ts)}`;
  entry.row.classList.remove("flash-up", "flash-down");
  void entry.row.offsetWidth; // restart the CSS animation
  if (change !== 0) entry.row.classList.add(change > 0 ? "flash-up" : "flash-down");
  entry.price = quote.price;
}

function startFeed(): () => void {
  const prices = { ...FEED_SYMBOLS };
  const symbols = Object.keys(prices);
  const timer = setInterval(() => {
    const topic = symbols[Math.floor(Math.random() * symbols.length)]!;
    const price = prices[topic]! * (1 + (Math.random() * 2 - 1) * FEED_MAX_STEP);
    prices[topic] = price;
    void fetch(`/rooms/${encodeURIComponent(room)}/messages`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ topic, data: { price } }),
    }).then((response) => {
      if (!response.ok) byId("feed-status").textContent = `feed: HTTP ${response.status} (the HTTP API may need an API key)`;
    });
  }, FEED_INTERVAL_MS);
  return () => clearInterval(timer);
}

function start(): void {
  byId("room-name").textContent = room;
  byId("filters").textContent = TOPIC_FILTERS.join(", ");
  // A row per exact topic from the start; prefix filters (fx.*) add rows as quotes arrive.
  for (const filter of TOPIC_FILTERS) if (!filter.endsWith("*")) rowFor(filter);
  const client = new RoomClient({ url: location.origin, room, topics: TOPIC_FILTERS });
  client.on("state", (change) => {
    const badge = byId("state");
    badge.textContent = change.state + (change.code ? ` (${change.code})` : "");
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
