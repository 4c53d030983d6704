/**
 * @module room-ranges
 * Which room names a `GET /rooms?prefix=` listing may show, as ranges of the directory's key
 * order: the prefix, cut down to what the caller's scope covers (an admin token's `rooms`
 * patterns: an exact name, or a prefix ending in `*`, capabilities.ts). No range at all means the
 * token can never see a room with that prefix (the route answers 403). Plus the opaque page
 * cursor. Runtime-free (unit-tested).
 */
import { isValidRoomName } from "../shared/room-name";

/** One exact room, or every room starting with `prefix`. */
export type RoomRange = { exact: string } | { prefix: string };

export type RoomScopeLike = "all" | readonly string[];

/** Room names are ASCII below DEL (room-name.ts), so every name with this prefix sorts below prefix + DEL. */
export const PREFIX_END = "\x7f";

/** The ranges of rooms with `prefix` that `scope` covers, merged and in key order. */
export function roomRanges(prefix: string, scope: RoomScopeLike): RoomRange[] {
  if (scope === "all") return [{ prefix }];
  const prefixes = new Set<string>();
  const exacts = new Set<string>();
  for (const pattern of scope) {
    if (pattern.endsWith("*")) {
      const own = pattern.slice(0, -1);
      if (own.startsWith(prefix)) prefixes.add(own);
      else if (prefix.startsWith(own)) prefixes.add(prefix);
    } else if (pattern.startsWith(prefix)) exacts.add(pattern);
  }
  // A prefix inside a shorter one, or an exact name inside any prefix, adds nothing.
  const kept = [...prefixes].filter((p) => ![...prefixes].some((other) => other !== p && p.startsWith(other)));
  const ranges: RoomRange[] = kept.map((p) => ({ prefix: p }));
  for (const name of exacts) if (!kept.some((p) => name.startsWith(p))) ranges.push({ exact: name });
  return ranges.sort((a, b) => {
    const ka = "exact" in a ? a.exact : a.prefix;
    const kb = "exact" in b ? b.exact : b.prefix;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** The cursor of a page that ended at `room`: opaque to callers (base64url). */
export function encodeCursor(room: string): string {
  return btoa(room).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The room a cursor points after, or undefined when it is not one this server made. */
export function decodeCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return undefined;
  let room: string;
  try {
    room = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    // Not base64 after all: not a cursor of ours.
    return undefined;
  }
  return isValidRoomName(room) ? room : undefined;
}
