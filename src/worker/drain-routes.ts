/**
 * @module drain-routes
 * `POST /rooms/:room/drain` (docs/protocol.md §2, §11): body optional `{"overMs"?: number}`
 * (default DEFAULT_DRAIN_OVER_MS, 0..MAX_DRAIN_OVER_MS) → `202 {"room","connections","overMs"}`.
 * The room closes every connection open now with 1012, spread over the window by its alarm
 * (room/drain.ts); the answer comes once the drain is planned, not when it ends. Auth and room
 * scope are the router's guard, as on every HTTP API route of a room. `POST /admin/drain`
 * (admin-drain.ts) reads its body with the same reader and parser, plus its `prefix` field.
 */
import { badBody, parseJsonBody, readBodyText, type BodyResult } from "../admission";
import type { Room } from "../room/room";
import { DEFAULT_DRAIN_OVER_MS, MAX_DRAIN_BODY_BYTES, MAX_DRAIN_OVER_MS } from "../shared/limits";

export interface DrainRequest {
  overMs: number;
}

const DRAIN_FIELDS = ["overMs"] as const;

/**
 * The drain body: empty, or a JSON object with an optional whole `overMs` in range; any field
 * but `overMs` and the route's `extraFields` is refused (the route reads those itself).
 */
export function parseDrainRequest(value: unknown, extraFields: readonly string[] = []): BodyResult<DrainRequest> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return badBody('body must be a JSON object such as {"overMs": 10000}');
  const body = value as Record<string, unknown>;
  const fields: readonly string[] = [...DRAIN_FIELDS, ...extraFields];
  const unknown = Object.keys(body).find((key) => !fields.includes(key));
  if (unknown !== undefined) return badBody(`"${unknown.slice(0, 40)}" is not a drain field (${fields.join(", ")})`);
  const overMs = body.overMs ?? DEFAULT_DRAIN_OVER_MS;
  if (!Number.isInteger(overMs) || (overMs as number) < 0 || (overMs as number) > MAX_DRAIN_OVER_MS) {
    return badBody(`overMs must be a whole number of milliseconds from 0 to ${MAX_DRAIN_OVER_MS}`);
  }
  return { ok: true, value: { overMs: overMs as number } };
}

/** A drain request's body as JSON: an empty body is `{}` (every default); 413 over MAX_DRAIN_BODY_BYTES. */
export async function readDrainJson(request: Request): Promise<BodyResult<unknown>> {
  const text = await readBodyText(request, MAX_DRAIN_BODY_BYTES);
  if (!text.ok) return text;
  return text.value.trim() === "" ? { ok: true, value: {} } : parseJsonBody(text.value);
}

/** Reads the request's body (may be empty) and starts the room's drain. */
export async function drainRoom(request: Request, stub: DurableObjectStub<Room>, room: string): Promise<Response> {
  const json = await readDrainJson(request);
  if (!json.ok) return json.response;
  const body = parseDrainRequest(json.value);
  if (!body.ok) return body.response;
  const { connections } = await stub.drain(room, body.value.overMs);
  return Response.json({ room, connections, overMs: body.value.overMs }, { status: 202 });
}
