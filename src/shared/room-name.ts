/**
 * @module room-name
 * Room-name rule (docs/protocol.md §2): 1–128 characters of `[A-Za-z0-9._:-]`.
 */
import { MAX_ROOM_NAME_LENGTH } from "./limits";

export const ROOM_NAME_PATTERN = new RegExp(`^[A-Za-z0-9._:-]{1,${MAX_ROOM_NAME_LENGTH}}$`);

/** The rule as told to a client whose room name breaks it (HTTP 400 `invalid_room`). */
export const ROOM_NAME_RULE = `room names are 1–${MAX_ROOM_NAME_LENGTH} characters of A-Z a-z 0-9 . _ : -`;

export function isValidRoomName(name: string): boolean {
  return ROOM_NAME_PATTERN.test(name);
}
