/**
 * @module room-path
 * API paths for one room. The room name is checked with the gateway's own rule first
 * (src/shared/room-name.ts), so a bad name fails at the call site and can never reach another
 * route through `/` or `..`.
 */
import { isValidRoomName } from "../shared/room-name";

export function roomPath(room: string, suffix = ""): string {
  if (!isValidRoomName(room)) throw new TypeError(`RoomcastServer: ${JSON.stringify(room)} is not a room name (1–128 of A-Z a-z 0-9 . _ : -)`);
  return `/rooms/${encodeURIComponent(room)}${suffix}`;
}
