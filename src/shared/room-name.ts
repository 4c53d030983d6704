/**
 * @module room-name
 * Room-name rule (SPEC §2): 1–128 characters of `[A-Za-z0-9._:-]`.
 */

export const MAX_ROOM_NAME_LENGTH = 128;

const ROOM_NAME_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export function isValidRoomName(name: string): boolean {
  return ROOM_NAME_PATTERN.test(name);
}
