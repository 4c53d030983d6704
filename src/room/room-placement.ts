/**
 * @module room-placement
 * The one way to reach a room's Durable Objects (docs/protocol.md §8 `locationHint`,
 * `jurisdiction`): the room itself, each shard of a sharded room and each SockJS session of it
 * are placed by the room's policy — `namespace.jurisdiction(j).idFromName(name)` and
 * `get(id, { locationHint })`. Every caller (the Worker's connection hand-off and HTTP API, the
 * transports' room links and SockJS sessions, a sharded room's primary and shards) asks here, so
 * no path can reach a room's object outside its jurisdiction, which on Cloudflare would be a
 * different object altogether (the same name gives a different id in each jurisdiction).
 *
 * Local workerd has no jurisdictions: `jurisdiction()` throws "not implemented". There the
 * object is named `@<jurisdiction>/<name>` in the plain namespace instead, so that, as on
 * Cloudflare, the jurisdiction is part of the object's identity (a room moved into a
 * jurisdiction starts from empty storage in both) and the room can report it (`placementOf`).
 * Location hints are only hints; local workerd accepts and ignores them.
 */
import type { Config } from "../config";
import type { Env } from "../env";
import { log } from "../log";
import { policyFor, type Jurisdiction, type LocationHint, type RoomPolicy } from "../room-policies";

/** A room's placement, as its policy asks for it. */
export type PlacementOptions = Pick<RoomPolicy, "jurisdiction" | "locationHint">;

/** What a room reports (`GET /rooms/:room/info`): its object's jurisdiction and the hint it was placed with. */
export interface Placement {
  jurisdiction: string | null;
  locationHint: LocationHint | null;
}

/** What workerd says when it has no jurisdictions (local `wrangler dev`). */
const NO_JURISDICTIONS = /not implemented in workerd/i;
/** The object-name prefix standing in for a jurisdiction where the runtime has none. */
const LOCAL_JURISDICTION_NAME = /^@([a-z-]+)\//;

/** Learned from the first jurisdiction call of this isolate: the runtime has no jurisdictions. */
let jurisdictionsMissing = false;

/** The stub of object `name` of `namespace`, placed as `options` say. */
export function placedStub<T extends Rpc.DurableObjectBranded | undefined>(
  namespace: DurableObjectNamespace<T>,
  options: PlacementOptions,
  name: string,
): DurableObjectStub<T> {
  const getOptions = options.locationHint ? { locationHint: options.locationHint } : undefined;
  const jurisdiction = options.jurisdiction;
  if (!jurisdiction) return namespace.get(namespace.idFromName(name), getOptions);
  const restricted = jurisdictionNamespace(namespace, jurisdiction);
  if (restricted) return restricted.get(restricted.idFromName(name), getOptions);
  return namespace.get(namespace.idFromName(`@${jurisdiction}/${name}`), getOptions);
}

/** The namespace restricted to `jurisdiction`, or undefined where the runtime has no jurisdictions. */
function jurisdictionNamespace<T extends Rpc.DurableObjectBranded | undefined>(namespace: DurableObjectNamespace<T>, jurisdiction: Jurisdiction): DurableObjectNamespace<T> | undefined {
  if (jurisdictionsMissing) return undefined;
  try {
    return namespace.jurisdiction(jurisdiction);
  } catch (error) {
    // Anything but "this runtime has no jurisdictions" must not place a room elsewhere: rethrown.
    if (!(error instanceof Error) || !NO_JURISDICTIONS.test(error.message)) throw error;
    jurisdictionsMissing = true;
    log("placement", { reason: "this runtime has no jurisdictions (local workerd): jurisdiction rooms get their own objects in the plain namespace", error });
    return undefined;
  }
}

/** The stub of object `name` (the room itself, or one of its shards) of room `room`, placed by its policy. */
export function roomObjectStub(env: Env, config: Config, room: string, name: string = room) {
  return placedStub(env.ROOMS, policyFor(config.policies, room), name);
}

/** Where this object runs: its id's jurisdiction (Cloudflare) or its local stand-in, and the policy's hint. */
export function placementOf(id: DurableObjectId, options: PlacementOptions): Placement {
  const local = LOCAL_JURISDICTION_NAME.exec(id.name ?? "")?.[1];
  return { jurisdiction: id.jurisdiction ?? local ?? null, locationHint: options.locationHint ?? null };
}
