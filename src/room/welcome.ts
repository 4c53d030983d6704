/**
 * @module welcome
 * The `welcome` frame (docs/protocol.md §3) from what the room knows at connect: the same shape whether the
 * room is one object or a shard asking its primary.
 */
import type { Limits } from "../shared/limits";
import { encodeWelcome } from "../shared/protocol";
import type { Member, UserView } from "./presence";
import type { SocketState } from "./socket-state";

export interface RoomView {
  epoch: string;
  seq: number;
  /** Set when the connection asked to resume: whether the room could replay what it missed. */
  recovered?: boolean;
  /** How many messages were replayed (only when recovered). */
  missed?: number;
  /** Empty when the room counts (presence-mode.ts). */
  members: Member[];
  memberCount: number;
  /** The by-user list while the room lists members. */
  users?: UserView[];
  /** Set when the room counts instead of listing: `userCount` replaces `users`. */
  presence?: "counts";
  userCount?: number;
}

export function welcomeFrame(room: string, state: SocketState, view: RoomView, limits: Limits): string {
  return encodeWelcome({
    room,
    connectionId: state.id,
    ...(state.userId ? { userId: state.userId } : {}),
    epoch: view.epoch,
    seq: view.seq,
    ...(view.recovered === undefined ? {} : { recovered: view.recovered, missed: view.recovered ? view.missed : undefined }),
    ...(view.presence ? { presence: view.presence } : {}),
    members: view.members,
    memberCount: view.memberCount,
    ...(view.users ? { users: view.users } : {}),
    ...(view.userCount === undefined ? {} : { userCount: view.userCount }),
    limits: { ...limits },
  });
}
