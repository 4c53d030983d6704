/**
 * @module http-api
 * The gateway's HTTP API as a backend would call it, for tests: publish one message (the raw
 * answer, or the seq it got), publish a batch, read a room's history, create a connection ticket.
 */
export const JSON_HEADERS = { "Content-Type": "application/json" } as const;

export interface PublishEntry {
  room: string;
  data: unknown;
  topic?: string;
}

/** A page of `GET /rooms/:room/messages`. */
export interface HistoryPage {
  epoch: string;
  seq: number;
  /** Stored messages (seq, data, topic, from, ts…); loosely typed so tests can read them as frames. */
  messages: any[];
  [field: string]: unknown;
}

/**
 * `POST /rooms/:room/messages`; resolves with the raw answer. A string body is sent as it is
 * (typed JSON unless `headers` say otherwise), anything else as its JSON.
 */
export function postMessage(httpUrl: string, room: string, body: string | object, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${httpUrl}/rooms/${room}/messages`, { method: "POST", headers: { ...JSON_HEADERS, ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
}

/** `POST /rooms/:room/messages` with `{ data, topic }`; resolves with the seq the room gave it, fails on any answer but 202. */
export async function publishHttp(httpUrl: string, room: string, data: unknown, topic?: string, headers: Record<string, string> = {}): Promise<number> {
  const response = await postMessage(httpUrl, room, topic === undefined ? { data } : { data, topic }, headers);
  if (response.status !== 202) throw new Error(`HTTP publish to ${room} answered ${response.status}, not 202: ${await response.text()}`);
  return ((await response.json()) as { seq: number }).seq;
}

/** `POST /publish`; resolves with the per-message results. */
export async function publishBatch(httpUrl: string, messages: PublishEntry[]): Promise<Array<{ room?: string; seq?: number; error?: { code: string } }>> {
  const response = await fetch(`${httpUrl}/publish`, { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ messages }) });
  return (await response.json()).results;
}

/** `GET /rooms/:room/messages` with `query` (e.g. `?since=1&limit=1000`); the page as JSON, whatever the status. */
export async function readHistory(httpUrl: string, room: string, query = ""): Promise<HistoryPage> {
  return (await fetch(`${httpUrl}/rooms/${room}/messages${query}`)).json();
}

/** `POST /rooms/:room/tickets` with the API key; resolves with the ticket, fails on any answer but 201. */
export async function createTicket(httpUrl: string, room: string, apiKey: string, claims: object = {}): Promise<string> {
  const response = await fetch(`${httpUrl}/rooms/${room}/tickets`, { method: "POST", headers: { Authorization: `Bearer ${apiKey}` }, body: JSON.stringify(claims) });
  if (response.status !== 201) throw new Error(`ticket for ${room} answered ${response.status}, not 201: ${await response.text()}`);
  return ((await response.json()) as { ticket: string }).ticket;
}
