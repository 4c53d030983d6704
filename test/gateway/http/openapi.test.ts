import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../helpers/gateway";
import { answerOf, responseProblems, templatesMatching, type OpenApiDocument } from "../../helpers/openapi-doc";
import { API_KEY } from "../../helpers/tokens";
import { useGateway } from "../../helpers/use-gateway";
import { AWAITING_HANDLERS, OPENAPI_GATEWAY_VARS } from "./openapi-vars";

const SAMPLE_PARAMS: Record<string, string> = { room: "oa-doc", id: "0123456789abcdef", server: "1", session: "abc", transport: "xhr" };
const concrete = (template: string) => template.replace(/\{([^}]+)\}/g, (_, name: string) => SAMPLE_PARAMS[name] ?? "x");
const toOpenApiPath = (honoPath: string) => honoPath.replace(/:([A-Za-z_]+)/g, "{$1}");

describe("GET /openapi.json", () => {
  const gateway = useGateway(OPENAPI_GATEWAY_VARS);
  let document: OpenApiDocument;
  const operations = () => Object.entries(document.paths).flatMap(([template, item]) => Object.entries(item).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${template}`, method, template, operation })));

  beforeAll(async () => {
    const response = await fetch(`${gateway.httpUrl}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    document = (await response.json()) as OpenApiDocument;
  });

  it("is an OpenAPI 3.1 document: version, info, paths, components, resolvable $refs", () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof document.info.title).toBe("string");
    expect(typeof document.info.version).toBe("string");
    expect(Object.keys(document.paths).length).toBeGreaterThan(10);
    for (const template of Object.keys(document.paths)) expect(template, template).toMatch(/^\/[^:]*$/);
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"([^"]+)"/g)].map((match) => match[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) {
      const target = ref.replace(/^#\//, "").split("/").reduce((node: any, key) => node?.[key], document);
      expect(target, `${ref} resolves`).toBeDefined();
    }
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(new Set(ids).size, "operationIds are unique").toBe(ids.length);
    for (const { key, template, operation } of operations()) {
      expect(Object.keys(operation.responses).length, key).toBeGreaterThan(0);
      for (const status of Object.keys(operation.responses)) expect(status, key).toMatch(/^[1-5]\d\d$/);
      for (const requirement of operation.security) for (const scheme of Object.keys(requirement)) expect(document.components.securitySchemes, `${key} security ${scheme}`).toHaveProperty(scheme);
      const pathNames = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      expect((operation.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name), `${key} path parameters`).toEqual(pathNames);
    }
  });

  it("describes the HTTP API's security: bearer API key and admin token", () => {
    expect(document.components.securitySchemes).toMatchObject({ apiKey: { type: "http", scheme: "bearer" }, adminToken: { type: "http", scheme: "bearer", bearerFormat: "JWT" } });
    expect(document.paths["/rooms/{room}/messages"]!.post!.security).toEqual([{ apiKey: [] }, { adminToken: [] }]);
    expect(document.paths["/healthz"]!.get!.security).toEqual([]);
  });

  it("lists every route the router registers, and registers every route it lists", async () => {
    // Imported by path so test/tsconfig (Node types) does not type-check the Worker's sources.
    const appModule = resolve(PROJECT_ROOT, "src/worker/app.ts");
    const { app } = (await import(appModule)) as { app: { routes: Array<{ method: string; path: string }> } };
    const registered = new Set(app.routes.filter((route) => route.method !== "ALL").map((route) => `${route.method} ${toOpenApiPath(route.path)}`));
    const documented = new Set(operations().map(({ key }) => key));
    expect([...registered].filter((route) => !documented.has(route)), "registered routes missing from the document").toEqual([]);
    expect([...documented].filter((route) => !registered.has(route)), "documented routes without a handler").toEqual(AWAITING_HANDLERS);
  });

  it("a documented path called with another method is 405 MethodNotAllowed, Allow listing the documented methods", async () => {
    const paths = Object.keys(document.paths).filter((template) => !AWAITING_HANDLERS.some((route) => route.endsWith(` ${template}`)));
    for (const template of paths) {
      const path = concrete(template);
      const methods = new Set(templatesMatching(document, path).flatMap((match) => Object.keys(document.paths[match]!).map((method) => method.toUpperCase())));
      if (methods.has("GET")) methods.add("HEAD");
      const response = await fetch(`${gateway.httpUrl}${path}`, { method: "PATCH", headers: { Authorization: `Bearer ${API_KEY}` } });
      const answer = await answerOf(response);
      expect(answer.status, `PATCH ${path}`).toBe(405);
      expect(response.headers.get("allow"), `PATCH ${path}`).toBe([...methods].sort().join(", "));
      expect(responseProblems(document, document.components.responses.MethodNotAllowed!, answer), `PATCH ${path}`).toEqual([]);
    }
  });

  it("an unknown path is 404 NotFound", async () => {
    for (const path of ["/nope", "/rooms/oa-doc/nope", "/rooms/oa-doc/messages/extra"]) {
      const answer = await answerOf(await fetch(`${gateway.httpUrl}${path}`, { headers: { Authorization: `Bearer ${API_KEY}` } }));
      expect(answer.status, path).toBe(404);
      expect(responseProblems(document, document.components.responses.NotFound!, answer), path).toEqual([]);
    }
  });

  it("is generated from the validating schemas: a body or query the document forbids is the documented 400", async () => {
    const history = document.paths["/rooms/{room}/messages"]!.get!.parameters!.find((p) => p.name === "since")!;
    expect(history.schema.pattern).toBe("^(\\d{1,15})?$");
    const response = await fetch(`${gateway.httpUrl}/rooms/oa-doc/messages?since=12a`, { headers: { Authorization: `Bearer ${API_KEY}` } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe("since and limit must be whole numbers");
    expect(document.components.schemas.PublishBody).toMatchObject({ type: "object", required: ["data"] });
  });
});
