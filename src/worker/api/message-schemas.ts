/**
 * @module message-schemas
 * Publishing and history (docs/protocol.md §2): the bodies of `POST /rooms/{room}/messages` and
 * `POST /publish`, the query of `GET /rooms/{room}/messages`, and what they answer. The request
 * schemas ARE the validation (api/boundary.ts), their messages are the 400 messages, and the
 * document is generated from them (api/openapi-document.ts), so the two cannot drift.
 */
import * as v from "valibot";
import { ERROR_CODES, type ErrorCodeValue } from "../../shared/error-codes";
import { HISTORY_PAGE_MAX_MESSAGES, MAX_BATCH_MESSAGES, MAX_FRAME_ID_LENGTH, MAX_TOPIC_LENGTH } from "../../shared/limits";
import { ROOM_NAME_RULE } from "../../shared/room-name";
import { RoomName } from "./common-schemas";
import { componentRef } from "./route-spec";

const TOPIC_RULE = `"topic" must be a non-empty string of at most ${MAX_TOPIC_LENGTH} characters`;
const ID_RULE = `"id" must be a non-empty string of at most ${MAX_FRAME_ID_LENGTH} characters`;
const NOT_AN_OBJECT = "body must be a JSON object";

/** The 400 message of an object schema: a missing required field is named, anything else is not an object. */
function objectMessage(missing: Record<string, string>) {
  return (issue: v.BaseIssue<unknown>) => {
    const key = issue.path?.[0]?.key;
    return typeof key === "string" ? (missing[key] ?? `body needs a "${key}" field`) : NOT_AN_OBJECT;
  };
}

const Topic = v.pipe(v.string(TOPIC_RULE), v.minLength(1, TOPIC_RULE), v.maxLength(MAX_TOPIC_LENGTH, TOPIC_RULE), v.description("delivered only to connections whose topic filters match it"));
const IdempotencyId = v.pipe(
  v.string(ID_RULE),
  v.minLength(1, ID_RULE),
  v.maxLength(MAX_FRAME_ID_LENGTH, ID_RULE),
  v.description("idempotency id: a repeat within the window answers the first seq and publishes nothing"),
);
const Data = v.pipe(v.unknown(), v.description("any JSON value; its JSON text counts against MAX_MESSAGE_BYTES"));

/** `POST /rooms/{room}/messages` as JSON (a `text/plain` body is `{"data": <the text>}`). */
export const PublishBody = v.object({ data: Data, topic: v.optional(Topic), id: v.optional(IdempotencyId) }, objectMessage({}));

/** One entry of `POST /publish`: a broken entry gets its own error result (`invalid_room`, `bad_request`), not a 400. */
export const BatchEntry = v.object({ room: RoomName, ...PublishBody.entries }, objectMessage({ room: ROOM_NAME_RULE }));

const BATCH_RULE = `body needs "messages": an array of 1–${MAX_BATCH_MESSAGES} entries`;
/** `POST /publish`: only the envelope is a 400; each entry is checked against BatchEntry on its own. */
export const BatchBody = v.object(
  {
    messages: v.pipe(
      v.array(v.unknown(), BATCH_RULE),
      v.minLength(1, BATCH_RULE),
      v.maxLength(MAX_BATCH_MESSAGES, BATCH_RULE),
      v.metadata({ items: { $ref: componentRef("BatchEntry") } }),
      v.description("entries, published in order per room; an entry that breaks BatchEntry gets an error result in its place"),
    ),
  },
  BATCH_RULE,
);

const WHOLE_NUMBERS = "since and limit must be whole numbers";
/** A whole-number query parameter; absent or empty is `fallback`. */
function wholeNumberParameter(fallback: number, description: string) {
  return v.pipe(v.optional(v.string(WHOLE_NUMBERS), ""), v.regex(/^(\d{1,15})?$/, WHOLE_NUMBERS), v.description(description), v.transform((text) => (text === "" ? fallback : Number(text))));
}

/** `GET /rooms/{room}/messages?since=&limit=`. */
export const HistoryQuery = v.object({
  since: wholeNumberParameter(0, "messages after this seq (default 0: the oldest kept)"),
  limit: wholeNumberParameter(100, `at most this many messages (default 100, at most ${HISTORY_PAGE_MAX_MESSAGES} per page)`),
});

const Seq = v.pipe(v.number(), v.integer(), v.minValue(1));

/** `202` of a publish. */
export const Accepted = v.object({ seq: Seq });

const HistoryMessage = v.object({
  seq: Seq,
  topic: v.optional(v.string()),
  from: v.pipe(v.string(), v.description("the publishing connection's id, or the API's sender name")),
  data: v.unknown(),
  ts: v.pipe(v.number(), v.description("ms since the epoch, when the room stored it")),
});

/** `200` of `GET /rooms/{room}/messages`, oldest first. */
export const HistoryPage = v.object({
  epoch: v.pipe(v.string(), v.description("changes when the room is deleted: seqs of another epoch are not comparable")),
  seq: v.pipe(v.number(), v.integer(), v.minValue(0), v.description("the room's newest seq")),
  messages: v.array(HistoryMessage),
});

const ErrorDetail = v.object({ code: v.picklist(Object.keys(ERROR_CODES) as ErrorCodeValue[]), message: v.string() });
const BatchResult = v.union([
  v.object({ room: v.optional(v.string()), seq: Seq }),
  v.object({ room: v.optional(v.pipe(v.string(), v.description("the entry's room, when it gave one as a string"))), error: ErrorDetail }),
]);

/** `200` of `POST /publish`: one result per entry, in order. */
export const BatchResults = v.object({ results: v.array(BatchResult) });
