/**
 * @module batch-publish
 * `POST /publish` (docs/protocol.md §2): `{"messages":[{"room","topic"?,"data","id"?}]}` → one result per
 * message, in order. Each room gets ONE call carrying all its entries, in order, which it stores
 * in one group (room/pipeline.ts); rooms are published in parallel. A bad entry gets its own
 * error and does not stop the others. Every result names its room when the entry gave one as a
 * string, so a caller can match errors to entries. An entry for a room the caller's token does
 * not cover (admission/room-scope.ts) is `forbidden` and is not published anywhere.
 */
import { ROOM_OUT_OF_SCOPE, callerMayUseRoom, errorResponse, parseJsonBody, readBodyText, roomStubFor, type ApiCaller } from "../admission";
import type { Config } from "../config";
import type { Env } from "../env";
import { log } from "../log";
import { ROOM_NAME_RULE, isValidRoomName } from "../shared/room-name";
import { maxHttpPublishBytes, rpcSizedRuns } from "../shared/rpc-budget";
import { utf8ByteLength } from "../shared/utf8";
import { toPublishInput, type PublishInput } from "./publish-body";
import { MAX_BATCH_MESSAGES, MAX_RPC_MESSAGE_BYTES } from "../shared/limits";
import { ErrorCode, type ErrorCodeValue } from "../shared/error-codes";

type Result = { room?: string; seq: number } | { room?: string; error: { code: string; message: string } };

function failed(room: unknown, code: ErrorCodeValue, message: string): Result {
  return typeof room === "string" ? { room, error: { code, message } } : { error: { code, message } };
}

export async function batchPublish(request: Request, env: Env, config: Config, caller: ApiCaller): Promise<Response> {
  const { maxMessageBytes } = config.limits;
  const entryMaxBytes = maxHttpPublishBytes(config.limits);
  const text = await readBodyText(request, maxMessageBytes * MAX_BATCH_MESSAGES);
  if (!text.ok) return text.response;
  const parsed = parseJsonBody(text.value);
  if (!parsed.ok) return parsed.response;
  const messages = (parsed.value as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(messages) || messages.length === 0 || messages.length > MAX_BATCH_MESSAGES) {
    return errorResponse(ErrorCode.badRequest, `body needs "messages": an array of 1–${MAX_BATCH_MESSAGES} entries`);
  }
  const results: Result[] = new Array(messages.length);
  const byRoom = new Map<string, Array<{ index: number; input: PublishInput; bytes: number }>>();
  messages.forEach((entry: unknown, index) => {
    const room = (entry as { room?: unknown } | null)?.room;
    if (typeof room !== "string" || !isValidRoomName(room)) {
      results[index] = failed(room, ErrorCode.invalidRoom, ROOM_NAME_RULE);
      return;
    }
    if (!callerMayUseRoom(caller, room)) {
      results[index] = failed(room, ErrorCode.forbidden, ROOM_OUT_OF_SCOPE);
      return;
    }
    const input = toPublishInput(entry);
    if (typeof input === "string") {
      results[index] = failed(room, ErrorCode.badRequest, input);
      return;
    }
    const bytes = utf8ByteLength(JSON.stringify(input.data));
    if (bytes > entryMaxBytes) {
      results[index] = failed(room, ErrorCode.payloadTooLarge, `data is over ${entryMaxBytes} bytes (MAX_MESSAGE_BYTES, at most ${MAX_RPC_MESSAGE_BYTES} for HTTP)`);
    } else byRoom.set(room, [...(byRoom.get(room) ?? []), { index, input, bytes }]);
  });
  await Promise.all(
    [...byRoom].map(async ([room, entries]) => {
      const stub = roomStubFor(env, caller.scope, room);
      // Usually one call per room; large entries are split so no call exceeds the RPC limit.
      for (const run of rpcSizedRuns(entries, (entry) => entry.bytes)) {
        try {
          const outcomes = await stub.publishBatch(room, run.map(({ input }) => input));
          run.forEach(({ index }, i) => (results[index] = { room, ...outcomes[i]! }));
        } catch (error) {
          log("error", { room, where: "POST /publish", error, reason: "batch publish failed" });
          for (const { index } of run) results[index] = failed(room, ErrorCode.internalError, "the room did not accept the message");
        }
      }
    }),
  );
  return Response.json({ results });
}
