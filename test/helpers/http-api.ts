/**
 * @module http-api
 * The gateway's HTTP API as a backend would call it, for tests.
 */
export const JSON_HEADERS = { "Content-Type": "application/json" } as const;

export interface PublishEntry {
  room: string;
  data: unknown;
  topic?: string;
}

/** `POST /rooms/:room/messages`; resolves with the seq the room gave the message. */
export async function publishHttp(httpUrl: string, room: string, data: unknown, topic?: string, headers: Record<string, string> = {}): Promise<number> {
  const response = await fetch(`${httpUrl}/rooms/${room}/messages`, { method: "POST", headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify({ data, topic }) });
  if (response.status !== 202) throw new Error(`publish to ${room} answered ${response.status}, not 202`);
  return (await response.json()).seq;
}

/** `POST /publish`; resolves with the per-message results. */
export async function publishBatch(httpUrl: string, messages: PublishEntry[]): Promise<Array<{ room?: string; seq?: number; error?: { code: string } }>> {
  const response = await fetch(`${httpUrl}/publish`, { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ messages }) });
  return (await response.json()).results;
}
