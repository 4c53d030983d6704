/**
 * @module drain-routes
 * `POST /rooms/:room/drain` (docs/protocol.md §2, §11): body optional `{"overMs"?: number}`
 * (default DEFAULT_DRAIN_OVER_MS, 0..MAX_DRAIN_OVER_MS) → `202 {"room","connections","overMs"}`.
 * The room closes every connection open now with 1012, spread over the window by its alarm
 * (room/drain.ts); the answer comes once the drain is planned, not when it ends. Auth, room
 * scope and the body's validation (api/operations-routes.ts `drainRoom`, the schema the OpenAPI
 * document shows) are the router's.
 */
import type { Room } from "../room/room";

/** Starts the room's drain over `overMs`; answers how many connections it will close. */
export async function startRoomDrain(stub: DurableObjectStub<Room>, room: string, overMs: number): Promise<Response> {
  const { connections } = await stub.drain(room, overMs);
  return Response.json({ room, connections, overMs }, { status: 202 });
}
