/**
 * @module publish-body
 * What an HTTP publish body holds (docs/protocol.md §2): JSON `{"data": any, "topic"?: string, "id"?: string}`,
 * or a `text/plain` body taken as string data. The shape is the PublishBody schema (api/message-schemas.ts),
 * which the OpenAPI document is generated from; the size cap is admission's (body-reading.ts: 413).
 * `id` is the idempotency id: a retry with it within the window gets the first seq.
 */
import type * as v from "valibot";
import type { BodyResult } from "../admission";
import { readValidBody } from "./api/boundary";
import { PublishBody } from "./api/message-schemas";

export type PublishInput = v.InferOutput<typeof PublishBody>;

export function readPublishBody(request: Request, maxBytes: number): Promise<BodyResult<PublishInput>> {
  return readValidBody(request, PublishBody, { maxBytes, textPlainField: "data" });
}
