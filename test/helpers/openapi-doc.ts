/**
 * @module openapi-doc
 * Reading the gateway's OpenAPI document in tests, and judging a real answer against it: the
 * operation must list the status, the content type must be the documented one, a JSON body must
 * conform to the documented schema (json-schema-check.ts) and an error's code must be one of the
 * operation's `x-error-codes`. `upgradeAnswer` sends a WebSocket upgrade (fetch may not).
 */
import { request as httpRequest } from "node:http";
import { randomBytes } from "node:crypto";
import { schemaProblems } from "./json-schema-check";

export interface DocumentedResponse {
  description: string;
  content?: Record<string, { schema?: Record<string, unknown> }>;
  headers?: Record<string, unknown>;
  "x-error-codes"?: string[];
}
export interface Operation {
  operationId: string;
  security: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; required: boolean; schema: Record<string, unknown> }>;
  requestBody?: { required: boolean; content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, DocumentedResponse>;
}
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown>; responses: Record<string, DocumentedResponse> };
}

/** A real answer, reduced to what the document speaks about. */
export interface Answer {
  status: number;
  contentType: string;
  /** The body text; undefined for a stream that was not read (SSE) or an upgrade. */
  body?: string;
}

/** A fetch answer; `readBody: false` for streams, which are cancelled after the head. */
export async function answerOf(response: Response, readBody = true): Promise<Answer> {
  const contentType = response.headers.get("content-type") ?? "";
  if (!readBody) {
    await response.body?.cancel();
    return { status: response.status, contentType };
  }
  return { status: response.status, contentType, body: await response.text() };
}

/** `GET path` as a WebSocket upgrade (with a fresh key unless `headers` give one): its status, and body when refused. */
export function upgradeAnswer(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({
      host: "127.0.0.1",
      port,
      path,
      headers: { Upgrade: "websocket", Connection: "Upgrade", "Sec-WebSocket-Key": randomBytes(16).toString("base64"), "Sec-WebSocket-Version": "13", ...headers },
    });
    request.on("upgrade", (response, socket) => {
      socket.destroy();
      resolve({ status: response.statusCode ?? 0, contentType: "" });
    });
    request.on("response", (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, contentType: String(response.headers["content-type"] ?? ""), body }));
    });
    request.on("error", reject);
    request.end();
  });
}

export function operationOf(document: OpenApiDocument, method: string, template: string): Operation {
  const operation = document.paths[template]?.[method.toLowerCase()];
  if (!operation) throw new Error(`the document has no ${method} ${template}`);
  return operation;
}

/** Why `answer` does not match what `documented` says (empty when it does). */
export function responseProblems(document: OpenApiDocument, documented: DocumentedResponse, answer: Answer): string[] {
  const problems: string[] = [];
  const types = Object.keys(documented.content ?? {});
  if (types.length === 0) return answer.body ? [`a body was not documented: ${answer.body.slice(0, 200)}`] : [];
  const type = types.find((candidate) => answer.contentType.toLowerCase().startsWith(candidate));
  if (!type) return [`content type ${answer.contentType || "(none)"} is not one of ${types.join(", ")}`];
  const schema = documented.content![type]!.schema;
  if (type !== "application/json" || !schema || answer.body === undefined) return problems;
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return [`body is not JSON: ${answer.body.slice(0, 200)}`];
  }
  problems.push(...schemaProblems(body, schema, document as unknown as Record<string, unknown>));
  const codes = documented["x-error-codes"];
  const code = (body as { error?: { code?: unknown } }).error?.code;
  if (codes && !codes.includes(code as string)) problems.push(`error code ${String(code)} is not one of this answer's x-error-codes ${codes.join(", ")}`);
  return problems;
}

/** Why `answer` to `method template` is not what the document says (empty when it is). */
export function answerProblems(document: OpenApiDocument, method: string, template: string, answer: Answer): string[] {
  const documented = operationOf(document, method, template).responses[String(answer.status)];
  if (!documented) return [`${method} ${template} answered ${answer.status}, which the document does not list (body: ${answer.body?.slice(0, 200)})`];
  return responseProblems(document, documented, answer).map((problem) => `${method} ${template} ${answer.status}: ${problem}`);
}

/** The document's path templates that a concrete path matches (`/rooms/a` matches `/rooms/{room}`). */
export function templatesMatching(document: OpenApiDocument, path: string): string[] {
  return Object.keys(document.paths).filter((template) => new RegExp(`^${template.replace(/[.]/g, "\\.").replace(/\{[^}]+\}/g, "[^/]+")}$`).test(path));
}
