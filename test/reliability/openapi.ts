import fc from "fast-check";

// Just enough of JSON Schema (as @hono/zod-openapi writes it for OpenAPI 3.1) to generate
// values for the fuzzer and to check the error bodies it gets back.

export type Schema = Record<string, any>;
export interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}
export interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  schema?: Schema;
}
export interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  security?: Array<Record<string, string[]>>;
}

export interface OperationRef {
  method: string;
  path: string;
  op: Operation;
}

export function operations(spec: Spec): OperationRef[] {
  return Object.entries(spec.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method, path, op })));
}

const resolve = (spec: Spec, s: Schema | undefined): Schema => {
  let out = s ?? {};
  for (let i = 0; out.$ref && i < 10; i++) out = spec.components.schemas[String(out.$ref).split("/").pop()!] ?? {};
  return out;
};

const DAY = 86_400_000;
/** Instants near now: most of the API only accepts recent or near-future times. */
const nearNow = () => fc.integer({ min: -40 * DAY, max: 40 * DAY }).map((d) => new Date(Date.now() + d));

function stringFor(s: Schema): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = s.maxLength ?? Math.max(min, 40);
  if (s.format === "date-time") return nearNow().map((d) => d.toISOString());
  if (s.format === "date") return nearNow().map((d) => d.toISOString().slice(0, 10));
  if (s.format === "email") return fc.constantFrom("billing@example.com", "ops@acme.test");
  if (s.format === "uri") return fc.constantFrom("https://app.example.com/done", "https://hooks.example.com/x");
  if (s.pattern) {
    return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length >= min && v.length <= max);
  }
  return fc.string({ minLength: min, maxLength: Math.min(max, 64) });
}

function numberFor(s: Schema, integer: boolean): fc.Arbitrary<number> {
  const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + (integer ? 1 : 1e-6) : -1e6);
  const hi = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - (integer ? 1 : 1e-6) : 1e6);
  // Small values are where most domain rules live; the bounds themselves are edge cases.
  const small = integer
    ? fc.integer({ min: Math.max(lo, -1000), max: Math.min(hi, 1000) })
    : fc.double({ min: Math.max(lo, -1000), max: Math.min(hi, 1000), noNaN: true, noDefaultInfinity: true });
  return fc.oneof({ weight: 4, arbitrary: small }, { weight: 1, arbitrary: fc.constantFrom(lo, hi).filter((n) => n >= lo && n <= hi) });
}

/**
 * Known-good values for properties by name (the fuzzer's tenant id, its subscription's id, …),
 * so generated bodies name objects that exist and reach the domain logic behind the checks.
 */
export const hints: Record<string, unknown> = {};

/** Values the schema accepts, as far as JSON Schema says (domain rules may still refuse them). */
export function valid(spec: Spec, raw: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(spec, raw);
  // The document's examples are realistic values that pass domain rules, not just the schema.
  if (s.example !== undefined) return fc.oneof({ weight: 2, arbitrary: fc.constant(s.example) }, { weight: 1, arbitrary: generated(spec, s, depth) });
  return generated(spec, s, depth);
}

function generated(spec: Spec, s: Schema, depth: number): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a: Schema) => valid(spec, a, depth + 1)));
  if (s.allOf) return valid(spec, Object.assign({}, ...s.allOf.map((a: Schema) => resolve(spec, a))), depth + 1);
  const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : s.properties ? ["object"] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => valid(spec, { ...s, type }, depth + 1)));
  switch (types[0]) {
    case "string":
      return stringFor(s);
    case "integer":
      return numberFor(s, true);
    case "number":
      return numberFor(s, false);
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(valid(spec, s.items, depth + 1), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 3, 3) });
    case "object": {
      const props: Record<string, Schema> = s.properties ?? {};
      const required = new Set<string>(s.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props)) {
        record[k] =
          k in hints
            ? fc.oneof({ weight: 3, arbitrary: fc.constant(hints[k]) }, { weight: 1, arbitrary: valid(spec, v, depth + 1) })
            : valid(spec, v, depth + 1);
      }
      if (Object.keys(props).length === 0 && s.additionalProperties) {
        return fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), valid(spec, s.additionalProperties, depth + 1), { maxKeys: 3 });
      }
      return fc.record(record, { requiredKeys: [...required].filter((k) => k in props) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Nasty strings: control and bidi characters, traversal, SQL and FTS syntax, huge, unicode. */
export const hostileString = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "a\r\nb",
    "\u202eevil",
    "../../etc",
    "%00",
    "' OR 1=1 --",
    '"*" NEAR',
    "😀".repeat(40),
    "x".repeat(5000),
    "NaN",
    "-1",
    "1e309",
    "null",
    "[]",
    "{}",
  ),
  fc.string({ unit: "binary", maxLength: 80 }),
);

const hostileValue = fc.oneof(
  hostileString,
  fc.constantFrom(-1, 0, 1e21, -1e21, 1.5, 2 ** 53 + 1, Number.MAX_VALUE, true, false, null),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A valid value with one part broken: a field of the wrong type, a required one missing, or an unknown one added. */
export function invalid(spec: Spec, raw: Schema | undefined): fc.Arbitrary<unknown> {
  const s = resolve(spec, raw);
  const props = Object.keys(s.properties ?? {});
  const variants: fc.Arbitrary<unknown>[] = [hostileValue];
  if (props.length > 0) {
    variants.push(
      fc.tuple(valid(spec, s) as fc.Arbitrary<Record<string, unknown>>, fc.constantFrom(...props), hostileValue).map(([v, k, bad]) => ({ ...v, [k]: bad })),
      fc.tuple(valid(spec, s) as fc.Arbitrary<Record<string, unknown>>, fc.constantFrom(...props)).map(([v, k]) => {
        const copy = { ...v };
        delete copy[k];
        return copy;
      }),
      fc.tuple(valid(spec, s) as fc.Arbitrary<Record<string, unknown>>, hostileString).map(([v, k]) => ({ ...v, [k || "extra"]: 1 })),
    );
  }
  return fc.oneof(...variants);
}

/** Whether `value` has the shape `schema` describes (types, required properties, enums, alternatives). */
export function conforms(spec: Spec, raw: Schema | undefined, value: unknown, depth = 0): boolean {
  const s = resolve(spec, raw);
  if (depth > 12) return true;
  if (s.const !== undefined && value !== s.const) return false;
  if (s.enum && !s.enum.includes(value)) return false;
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives && !alternatives.some((a: Schema) => conforms(spec, a, value, depth + 1))) return false;
  if (s.allOf && !s.allOf.every((a: Schema) => conforms(spec, a, value, depth + 1))) return false;
  const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length > 0 && !types.some((t) => hasType(value, t))) return false;
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const key of s.required ?? []) if (!(key in obj)) return false;
    for (const [key, sub] of Object.entries<Schema>(s.properties ?? {})) {
      if (key in obj && !conforms(spec, sub, obj[key], depth + 1)) return false;
    }
  }
  if (Array.isArray(value) && s.items) return value.every((v) => conforms(spec, s.items, v, depth + 1));
  return true;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    case "integer":
      return Number.isInteger(value);
    default:
      return typeof value === type;
  }
}

/** One plausible value for a schema: its example, default or first choice, with the required properties. */
export function exampleOf(spec: Spec, raw: Schema | undefined, depth = 0): unknown {
  const s = resolve(spec, raw);
  if (depth > 8) return null;
  if (s.example !== undefined) return s.example;
  if (s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return exampleOf(spec, alternatives[0], depth + 1);
  const type = Array.isArray(s.type) ? s.type[0] : (s.type ?? (s.properties ? "object" : undefined));
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) out[key] = key in hints ? hints[key] : exampleOf(spec, s.properties?.[key], depth + 1);
      return out;
    }
    case "array":
      return s.minItems ? [exampleOf(spec, s.items, depth + 1)] : [];
    case "string":
      return s.format === "date-time" ? new Date().toISOString() : "x";
    case "integer":
    case "number":
      return s.minimum ?? 1;
    case "boolean":
      return false;
    default:
      return null;
  }
}
