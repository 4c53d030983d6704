/**
 * @module batch-publish
 * `POST /publish` (docs/protocol.md §2): `{"messages":[{"room","topic"?,"data","id"?}]}` → one result per
 * message, in order. Each room gets ONE call carrying all its entries, in order, which it stores
 * in one group (room/pipeline.ts); rooms are published in parallel. A bad entry gets its own
 * error and does not stop the others. Every result names its room when the entry gave one as a
 * string, so a caller can match errors to entries. An entry for a room the caller's token does
 * not cover (admission/room-scope.ts) is `forbidden` and is not published anywhere. The body and
 * each entry are checked with the BatchBody and BatchEntry schemas (api/message-schemas.ts), in
 * this order per entry: its room (`invalid_room`), its scope (`forbidden`), the rest (`bad_request`).
 */
import * as v from "valibot";
import { ROOM_OUT_OF_SCOPE, callerMayUseRoom, roomStubFor, type ApiCaller } from "../admission";
import type { Config } from "../config";
import type { Env } from "../env";
import { log } from "../log";
import { ROOM_NAME_RULE } from "../shared/room-name";
import { maxHttpPublishBytes, rpcSizedRuns } from "../shared/rpc-budget";
import { utf8ByteLength } from "../shared/utf8";
import { check, readValidBody } from "./api/boundary";
import { RoomName } from "./api/common-schemas";
import { BatchBody, BatchEntry } from "./api/message-schemas";
import type { PublishInput } from "./publish-body";
import { MAX_BATCH_MESSAGES, MAX_RPC_MESSAGE_BYTES } from "../shared/limits";
import { ErrorCode, type ErrorCodeValue } from "../shared/error-codes";

type Result = { room?: string; seq: number } | { room?: string; error: { code: string; message: string } };

function failed(room: unknown, code: ErrorCodeValue, message: string): Result {
  return typeof room === "string" ? { room, error: { code, message } } : { error: { code, message } };
}

export async function batchPublish(request: Request, env: Env, config: Config, caller: ApiCaller): Promise<Response> {
  const { maxMessageBytes } = config.limits;
  const entryMaxBytes = maxHttpPublishBytes(config.limits);
  const body = await readValidBody(request, BatchBody, { maxBytes: maxMessageBytes * MAX_BATCH_MESSAGES });
  if (!body.ok) return body.response;
  const { messages } = body.value;
  const results: Result[] = new Array(messages.length);
  const byRoom = new Map<string, Array<{ index: number; input: PublishInput; bytes: number }>>();
  messages.forEach((entry: unknown, index) => {
    const room = (entry as { room?: unknown } | null)?.room;
    if (!v.is(RoomName, room)) {
      results[index] = failed(room, ErrorCode.invalidRoom, ROOM_NAME_RULE);
      return;
    }
    if (!callerMayUseRoom(caller, room)) {
      results[index] = failed(room, ErrorCode.forbidden, ROOM_OUT_OF_SCOPE);
      return;
    }
    const valid = check(BatchEntry, entry);
    if (!valid.ok) {
      results[index] = failed(room, ErrorCode.badRequest, valid.message);
      return;
    }
    const { room: _room, ...input } = valid.value;
    const bytes = utf8ByteLength(JSON.stringify(input.data));
    if (bytes > entryMaxBytes) {
      results[index] = failed(room, ErrorCode.payloadTooLarge, `data is over ${entryMaxBytes} bytes (MAX_MESSAGE_BYTES, at most ${MAX_RPC_MESSAGE_BYTES} for HTTP)`);
    } else {
      const entries = byRoom.get(room);
      if (entries) entries.push({ index, input, bytes });
      else byRoom.set(room, [{ index, input, bytes }]);
    }
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
