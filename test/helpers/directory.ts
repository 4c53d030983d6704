/**
 * @module directory
 * Waiting for the live-room directory (`GET /rooms`): rooms reach it through the occupancy queue
 * (~250 ms of room batching plus the queue's batch time), so a test that acts on the directory
 * (admin drain, `rooms()`) first waits until it lists what the test connected. Times out saying
 * what was expected and what was listed.
 */
import { API_KEY } from "./tokens";

const POLL_MS = 250;

export interface ListedRoom {
  room: string;
  connections: number;
  users: number;
  since: number;
  updated: number;
}

/** Every occupied room with `prefix`, all pages (API key). */
export async function listedRooms(httpUrl: string, prefix: string, bearer: string = API_KEY): Promise<ListedRoom[]> {
  const rooms: ListedRoom[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ prefix, limit: "1000", ...(cursor ? { cursor } : {}) });
    const response = await fetch(`${httpUrl}/rooms?${query}`, { headers: { Authorization: `Bearer ${bearer}` } });
    if (response.status !== 200) throw new Error(`GET /rooms answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as { rooms: ListedRoom[]; cursor: string | null };
    rooms.push(...page.rooms);
    cursor = page.cursor;
  } while (cursor);
  return rooms;
}

/**
 * Waits until `GET /rooms?prefix=` lists every room of `expected` with exactly that many
 * connections (other rooms with the prefix may be listed too).
 */
export async function waitForListed(httpUrl: string, prefix: string, expected: Record<string, number>, timeoutMs = 20_000): Promise<ListedRoom[]> {
  let listed: ListedRoom[] = [];
  const matches = () => Object.entries(expected).every(([room, connections]) => listed.some((entry) => entry.room === room && entry.connections === connections));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    listed = await listedRooms(httpUrl, prefix);
    if (matches()) return listed;
    const left = deadline - Date.now();
    if (left <= 0) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, left)));
  }
  throw new Error(`timed out after ${timeoutMs} ms: the directory never listed ${JSON.stringify(expected)}; listed ${JSON.stringify(listed.map((entry) => [entry.room, entry.connections]))}`);
}
