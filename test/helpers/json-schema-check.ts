/**
 * @module json-schema-check
 * A minimal JSON Schema (2020-12) checker for the keywords the OpenAPI document uses: `$ref` into
 * the document's components, `type`, `const`, `enum`, `properties`/`required`,
 * `additionalProperties`, `propertyNames`, `items`, `minItems`/`maxItems`, `minLength`/`maxLength`,
 * `pattern`, `minimum`/`maximum`, `anyOf`/`oneOf`/`allOf`. An unknown keyword is an error, so a
 * schema this checker cannot judge fails loudly instead of passing. Annotations are skipped.
 */
type Schema = Record<string, unknown> | boolean;

const ANNOTATIONS = new Set(["description", "title", "default", "examples", "format", "$schema"]);
const CHECKED = new Set(["$ref", "type", "const", "enum", "properties", "required", "additionalProperties", "propertyNames", "items", "minItems", "maxItems", "minLength", "maxLength", "pattern", "minimum", "maximum", "anyOf", "oneOf", "allOf"]);

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeMatches(expected: string, actual: string): boolean {
  return expected === actual || (expected === "number" && actual === "integer");
}

/** Problems of `value` against `schema` (empty when it conforms); `$ref`s resolve in `root`. */
export function schemaProblems(value: unknown, schema: Schema, root: Record<string, any>, at = "$"): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${at}: no value is allowed here`];
  const problems: string[] = [];
  for (const keyword of Object.keys(schema)) {
    if (!CHECKED.has(keyword) && !ANNOTATIONS.has(keyword) && !keyword.startsWith("x-")) problems.push(`${at}: the checker does not know keyword ${keyword}`);
  }
  const s = schema as Record<string, any>;
  if (typeof s.$ref === "string") {
    const target = s.$ref.replace(/^#\//, "").split("/").reduce((node: any, key: string) => node?.[key], root);
    if (target === undefined) return [`${at}: $ref ${s.$ref} does not resolve`];
    problems.push(...schemaProblems(value, target, root, at));
  }
  const actual = typeOf(value);
  if (s.type !== undefined) {
    const types: string[] = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((type) => typeMatches(type, actual))) return [...problems, `${at}: expected ${types.join("|")}, got ${actual}`];
  }
  if ("const" in s && JSON.stringify(s.const) !== JSON.stringify(value)) problems.push(`${at}: expected ${JSON.stringify(s.const)}`);
  if (Array.isArray(s.enum) && !s.enum.some((option: unknown) => JSON.stringify(option) === JSON.stringify(value))) problems.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(s.enum)}`);
  if (actual === "string") {
    const text = value as string;
    if (typeof s.minLength === "number" && [...text].length < s.minLength) problems.push(`${at}: shorter than ${s.minLength}`);
    if (typeof s.maxLength === "number" && [...text].length > s.maxLength) problems.push(`${at}: longer than ${s.maxLength}`);
    if (typeof s.pattern === "string" && !new RegExp(s.pattern, "u").test(text)) problems.push(`${at}: does not match ${s.pattern}`);
  }
  if (actual === "number" || actual === "integer") {
    if (typeof s.minimum === "number" && (value as number) < s.minimum) problems.push(`${at}: below ${s.minimum}`);
    if (typeof s.maximum === "number" && (value as number) > s.maximum) problems.push(`${at}: above ${s.maximum}`);
  }
  if (actual === "array") {
    const items = value as unknown[];
    if (typeof s.minItems === "number" && items.length < s.minItems) problems.push(`${at}: fewer than ${s.minItems} items`);
    if (typeof s.maxItems === "number" && items.length > s.maxItems) problems.push(`${at}: more than ${s.maxItems} items`);
    if (s.items !== undefined) items.forEach((item, index) => problems.push(...schemaProblems(item, s.items, root, `${at}[${index}]`)));
  }
  if (actual === "object") {
    const record = value as Record<string, unknown>;
    for (const name of s.required ?? []) if (!(name in record)) problems.push(`${at}: missing ${name}`);
    const properties: Record<string, Schema> = s.properties ?? {};
    for (const [name, field] of Object.entries(record)) {
      if (properties[name] !== undefined) problems.push(...schemaProblems(field, properties[name], root, `${at}.${name}`));
      else if (s.additionalProperties !== undefined) problems.push(...schemaProblems(field, s.additionalProperties, root, `${at}.${name}`));
      if (s.propertyNames !== undefined) problems.push(...schemaProblems(name, s.propertyNames, root, `${at} key ${name}`));
    }
  }
  if (Array.isArray(s.allOf)) for (const part of s.allOf) problems.push(...schemaProblems(value, part, root, at));
  if (Array.isArray(s.anyOf) && !s.anyOf.some((part: Schema) => schemaProblems(value, part, root, at).length === 0)) problems.push(`${at}: matches none of anyOf`);
  if (Array.isArray(s.oneOf) && s.oneOf.filter((part: Schema) => schemaProblems(value, part, root, at).length === 0).length !== 1) problems.push(`${at}: does not match exactly one of oneOf`);
  return problems;
}
