/**
 * @module shard-placement
 * Where a new connection of a room lives (docs/protocol.md §8): one object per room, or, for a sharded room,
 * a random one of its shard objects. The primary, named after the room itself, holds none.
 * Every object is placed by the room's policy (room-placement.ts).
 */
import type { Config } from "../config";
import type { Env } from "../env";
import { policyFor } from "../room-policies";
import { roomObjectStub } from "./room-placement";
import { shardObjectName } from "./shard-protocol";

export interface Placement {
  /** Shard index for the identity headers; undefined for an unsharded room. */
  shard: number | undefined;
  stub: DurableObjectStub<import("./room").Room>;
}

export function placeConnection(env: Env, config: Config, room: string): Placement {
  const { shards } = policyFor(config.policies, room);
  const shard = shards > 1 ? Math.floor(Math.random() * shards) : undefined;
  const name = shard === undefined ? room : shardObjectName(room, shard);
  return { shard, stub: roomObjectStub(env, config, room, name) };
}
