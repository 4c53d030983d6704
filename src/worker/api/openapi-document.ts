/**
 * @module openapi-document
 * The OpenAPI 3.1 document of the HTTP API (`GET /openapi.json`), generated from the route specs
 * and their valibot schemas, the same objects the handlers validate with: nothing is written
 * twice, so the document cannot drift from what the Worker enforces. Schemas are converted to
 * JSON Schema 2020-12 (OpenAPI 3.1's dialect) by @valibot/to-json-schema, as the client sends
 * them (`typeMode: "input"`: a query parameter is the string before it is parsed). Built on the
 * first request and kept for the isolate's life.
 */
import { toJsonSchema, toJsonSchemaDefs, type ConversionConfig, type JsonSchema } from "@valibot/to-json-schema";
import { errorBodyOf } from "./common-schemas";
import { COMPONENT_SCHEMAS } from "./components";
import { SECURITY_SCHEMES, securityOf } from "./security";
import { componentRef, errorResponses, type AnySchema, type BodySpec, type ResponseSpec, type RouteSpec } from "./route-spec";

/** The API's own version: bumped when a change would break a generated client. */
export const API_VERSION = "1.0.0";

const CONVERSION: ConversionConfig = {
  target: "draft-2020-12",
  typeMode: "input",
  // A schema the converter cannot express must fail the build (and the test), not vanish from the document.
  errorMode: "throw",
  overrideRef: ({ referenceId }) => componentRef(referenceId),
};

/** One schema as the document writes it: named ones as `$ref`, no per-schema `$schema`/`$defs`. */
function jsonSchemaOf(schema: AnySchema): JsonSchema {
  const { $schema: _dialect, $defs: _definitions, ...converted } = toJsonSchema(schema, { ...CONVERSION, definitions: COMPONENT_SCHEMAS });
  return converted;
}

/** `/rooms/:room` → `/rooms/{room}`, with the names of its parameters. */
function openApiPath(path: string): { path: string; names: string[] } {
  const names: string[] = [];
  const converted = path.replace(/:([A-Za-z_]+)/g, (_, name: string) => {
    names.push(name);
    return `{${name}}`;
  });
  return { path: converted, names };
}

function parameters(route: RouteSpec, pathNames: string[]): object[] {
  const list: object[] = [];
  for (const name of pathNames) {
    const schema = route.params?.[name];
    if (!schema) throw new Error(`${route.operationId}: path parameter ${name} has no schema`);
    const { description, ...rest } = jsonSchemaOf(schema);
    list.push({ name, in: "path", required: true, ...(description ? { description } : {}), schema: rest });
  }
  if (route.query) {
    const query = jsonSchemaOf(route.query);
    const required = new Set(query.required ?? []);
    for (const [name, property] of Object.entries(query.properties ?? {})) {
      const { description, ...rest } = property as JsonSchema;
      list.push({ name, in: "query", required: required.has(name), ...(description ? { description } : {}), schema: rest });
    }
  }
  return list;
}

function requestBody(body: BodySpec): object {
  const content: Record<string, object> = { "application/json": { schema: jsonSchemaOf(body.schema) } };
  if (body.textPlain) content["text/plain"] = { schema: { type: "string", description: body.textPlain } };
  return { required: body.required, ...(body.description ? { description: body.description } : {}), content };
}

function response(spec: ResponseSpec): object {
  const contentType = spec.contentType ?? (spec.schema ? "application/json" : undefined);
  return {
    description: spec.description,
    ...(spec.headers ? { headers: Object.fromEntries(Object.entries(spec.headers).map(([name, description]) => [name, { description, schema: { type: "string" } }])) } : {}),
    ...(contentType ? { content: { [contentType]: spec.schema ? { schema: jsonSchemaOf(spec.schema) } : {} } } : {}),
    ...(spec.errorCodes ? { "x-error-codes": spec.errorCodes } : {}),
  };
}

function operation(route: RouteSpec, pathNames: string[]): object {
  const params = parameters(route, pathNames);
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: securityOf(route.auth),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(route.body ? { requestBody: requestBody(route.body) } : {}),
    responses: Object.fromEntries(Object.entries({ ...route.responses, ...errorResponses(route) }).map(([status, spec]) => [status, response(spec)])),
  };
}

/** Builds the document; throws on a route without a schema for a path parameter, or a duplicate route. */
export function buildOpenApiDocument(routes: readonly RouteSpec[]): Record<string, unknown> {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    const { path, names } = openApiPath(route.path);
    const item = (paths[path] ??= {});
    if (item[route.method]) throw new Error(`${route.method.toUpperCase()} ${route.path} is specified twice`);
    item[route.method] = operation(route, names);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "roomcast HTTP API",
      version: API_VERSION,
      description:
        "Edge WebSocket gateway: rooms, history and the HTTP API a backend calls. Errors are `{\"error\":{\"code\",\"message\"}}` with the status of their code. " +
        "A known path called with another method answers 405 (components.responses.MethodNotAllowed, with `Allow`); an unknown path 404 (components.responses.NotFound). " +
        "With AUTH_MODE=open (local development) no credentials are needed.",
    },
    tags: TAGS,
    paths,
    components: { schemas: toJsonSchemaDefs(COMPONENT_SCHEMAS, CONVERSION), securitySchemes: SECURITY_SCHEMES, responses: routerAnswers() },
  };
}

const TAGS = [
  { name: "messages", description: "publish and read history" },
  { name: "rooms", description: "one room: info, tickets, kick, delete" },
  { name: "operations", description: "the live-room directory and draining" },
  { name: "connect", description: "WebSocket and Server-Sent Events connections" },
  { name: "sockjs", description: "the SockJS fallback" },
  { name: "health", description: "liveness and this document" },
];

/** What the router answers for requests no operation takes (worker/allowed-methods.ts), for clients to reuse. */
function routerAnswers(): Record<string, object> {
  return {
    MethodNotAllowed: response({
      description: "a known path with a method it does not take",
      headers: { Allow: "the methods the path takes (HEAD wherever GET is)" },
      schema: errorBodyOf(405),
      errorCodes: ["method_not_allowed"],
    }),
    NotFound: response({ description: "no such route", schema: errorBodyOf(404), errorCodes: ["not_found"] }),
  };
}

let built: Record<string, unknown> | undefined;

/** The document, built once per isolate. */
export function openApiDocument(routes: readonly RouteSpec[]): Record<string, unknown> {
  return (built ??= buildOpenApiDocument(routes));
}
