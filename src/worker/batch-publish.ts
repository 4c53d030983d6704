/**
 * @module batch-publish
 * `POST /publish` (SPEC §2): `{"messages":[{"room","topic"?,"data","id"?}]}` → one result per
 * message, in order. Each room gets ONE call carrying all its entries, in order, which it stores
 * in one group (room/pipeline.ts); rooms are published in parallel. A bad entry gets its own
 * error and does not stop the others.
 */
import type { Config } from "../config";
import type { Env } from "../env";
import { ROOM_NAME_RULE, isValidRoomName } from "../shared/room-name";
import { utf8ByteLength } from "../shared/utf8";
import { log } from "../log";
import { errorResponse } from "./http-error";
import { readBodyText, toPublishInput, type PublishInput } from "./publish-body";

/** Most messages in one batch request. */
export const MAX_BATCH_MESSAGES = 100;

type Result = { room?: string; seq: number } | { room?: string; error: { code: string; message: string } };

export async function batchPublish(request: Request, env: Env, config: Config): Promise<Response> {
  const { maxMessageBytes } = config.limits;
  const text = await readBodyText(request, maxMessageBytes * MAX_BATCH_MESSAGES);
  if (!text.ok) return text.response;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.value);
  } catch {
    return errorResponse(400, "bad_request", "body is not valid JSON");
  }
  const messages = (parsed as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(messages) || messages.length === 0 || messages.length > MAX_BATCH_MESSAGES) {
    return errorResponse(400, "bad_request", `body needs "messages": an array of 1–${MAX_BATCH_MESSAGES} entries`);
  }
  const results: Result[] = new Array(messages.length);
  const byRoom = new Map<string, Array<{ index: number; input: PublishInput }>>();
  messages.forEach((entry: unknown, index) => {
    const room = (entry as { room?: unknown } | null)?.room;
    if (typeof room !== "string" || !isValidRoomName(room)) {
      results[index] = { error: { code: "invalid_room", message: ROOM_NAME_RULE } };
      return;
    }
    const input = toPublishInput(entry);
    if (typeof input === "string") results[index] = { room, error: { code: "bad_request", message: input } };
    else if (utf8ByteLength(JSON.stringify(input.data)) > maxMessageBytes) {
      results[index] = { room, error: { code: "payload_too_large", message: `data is over MAX_MESSAGE_BYTES (${maxMessageBytes} bytes)` } };
    } else byRoom.set(room, [...(byRoom.get(room) ?? []), { index, input }]);
  });
  await Promise.all(
    [...byRoom].map(async ([room, entries]) => {
      const stub = env.ROOMS.get(env.ROOMS.idFromName(room));
      try {
        const outcomes = await stub.publishBatch(room, entries.map(({ input }) => input));
        entries.forEach(({ index }, i) => (results[index] = { room, ...outcomes[i]! }));
      } catch (error) {
        log("error", { room, reason: "batch publish failed", errorName: (error as Error)?.name });
        for (const { index } of entries) results[index] = { room, error: { code: "internal_error", message: "the room did not accept the message" } };
      }
    }),
  );
  return Response.json({ results });
}
