/**
 * @module room-schemas
 * One room's admin routes (docs/protocol.md §2, §5): what `info`, kick and delete answer, and the
 * ticket request and answer. TicketBody IS the validation of `POST /rooms/{room}/tickets`
 * (its messages are the 400 messages, its defaults the ticket's defaults).
 */
import * as v from "valibot";
import { MAX_SUB_LENGTH } from "../../admission";
import { CONNECTION_CAPABILITIES } from "../../shared/capabilities";
import { MAX_TICKET_SESSION_SECONDS, MAX_TICKET_TTL_SECONDS, TICKET_SESSION_SECONDS, TICKET_TTL_SECONDS } from "../../shared/limits";
import { ConnectionId, RoomName } from "./common-schemas";

const SUB_RULE = `"sub" must be a string of 1–${MAX_SUB_LENGTH} characters`;
const CAN_RULE = `"can" must list capabilities from ${CONNECTION_CAPABILITIES.join(", ")}`;

function secondsUpTo(max: number, name: string, fallback: number, description: string) {
  const rule = `"${name}" must be a whole number from 1 to ${max}`;
  return v.optional(v.pipe(v.number(rule), v.integer(rule), v.minValue(1, rule), v.maxValue(max, rule), v.description(description)), fallback);
}

/** `POST /rooms/{room}/tickets`; an empty body asks for every default. */
export const TicketBody = v.object(
  {
    sub: v.optional(v.pipe(v.string(SUB_RULE), v.minLength(1, SUB_RULE), v.maxLength(MAX_SUB_LENGTH, SUB_RULE), v.description("the connection's user id")), "anonymous"),
    can: v.optional(v.pipe(v.array(v.picklist(CONNECTION_CAPABILITIES, CAN_RULE), CAN_RULE), v.description("capabilities (default all)")), () => [...CONNECTION_CAPABILITIES]),
    ttlSeconds: secondsUpTo(MAX_TICKET_TTL_SECONDS, "ttlSeconds", TICKET_TTL_SECONDS, "how long the ticket may be redeemed"),
    sessionSeconds: secondsUpTo(MAX_TICKET_SESSION_SECONDS, "sessionSeconds", TICKET_SESSION_SECONDS, "how long the connection it opens may last"),
  },
  "body must be a JSON object",
);

/** `201` of a ticket: put it in `?ticket=` of one connect. */
export const Ticket = v.object({
  ticket: v.pipe(v.string(), v.description("a single-use JWT for this room")),
  expiresAt: v.pipe(v.string(), v.isoTimestamp(), v.description("when it can no longer be redeemed")),
});

const Count = v.pipe(v.number(), v.integer(), v.minValue(0));
const Member = v.object({ connectionId: v.string(), userId: v.optional(v.string()), state: v.optional(v.unknown()) });
const Counters = v.object({
  messagesIn: Count,
  messagesOut: Count,
  bytesIn: Count,
  bytesOut: Count,
  connectionsOpened: Count,
  closesByCode: v.pipe(v.record(v.string(), Count), v.description("closes by close code, since the room started")),
});
const RecentClose = v.object({ connectionId: v.optional(v.string()), code: v.pipe(v.number(), v.integer()), reason: v.string(), at: v.pipe(v.string(), v.isoTimestamp()) });

/** `200` of `GET /rooms/{room}/info`. */
export const RoomInfo = v.object({
  room: RoomName,
  epoch: v.string(),
  seq: Count,
  connections: Count,
  users: Count,
  members: v.array(Member),
  counters: Counters,
  recentCloses: v.array(RecentClose),
  shards: v.optional(v.pipe(v.array(Count), v.description("sharded rooms only: open connections per shard"))),
});

/** `200` of a kick: the connection was closed with 4009. */
export const Kicked = v.object({ kicked: ConnectionId });

/** `200` of a delete: every socket was closed with 1001 and the room starts over in a new epoch. */
export const Deleted = v.object({ deleted: RoomName, epoch: v.string() });
