/**
 * The script of the /docs page (./page.ts), as the text the page inlines under its nonce. It
 * is plain browser JavaScript kept in a string: the Worker's bundler would rename or wrap a real
 * function's code (esbuild's keepNames adds `__name` calls), so `fn.toString()` is not an
 * option, and the project has no browser build for the Worker. Rules for this text: no
 * backticks and no dollar-brace (it is a template literal), no closing script tag, and no
 * `innerHTML` with data from the document: the DOM is built with `el()`, which never sets a
 * style attribute or an inline handler (the page's CSP would refuse both). e2e/docs.mjs drives
 * it in Chromium and fails on any page error.
 */
export const DOCS_SCRIPT = String.raw`
"use strict";
(() => {
const root = document.getElementById("root");
const toc = document.getElementById("toc");
const search = document.getElementById("search");
const count = document.getElementById("match-count");
const tokenInput = document.getElementById("token");
const SPEC_URL = root.dataset.spec;
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];
const LOCATIONS = [["path", "Path parameters"], ["query", "Query parameters"], ["header", "Header parameters"], ["cookie", "Cookie parameters"]];
let spec = {};
const entries = [];

tokenInput.value = sessionStorage.getItem("token") || "";
tokenInput.addEventListener("input", () => sessionStorage.setItem("token", tokenInput.value.trim()));

// ---- DOM helpers: elements from tag, attributes and children; text is always text.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  return add(node, children);
}
function add(node, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false || child === "") continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}
const code = (text) => el("code", {}, text);
const json = (value) => JSON.stringify(value, null, 2);
const slug = (s) => String(s).replace(/[^A-Za-z0-9_-]+/g, "-");

/** Paragraphs on blank lines, \x60code\x60 spans: the little markdown the document's descriptions use. */
function prose(text, cls) {
  if (!text) return null;
  return String(text).split(/\n{2,}/).map((para) =>
    el("p", { class: cls }, para.split(/(\x60[^\x60]+\x60)/).map((part) => (/^\x60[^\x60]+\x60$/.test(part) ? code(part.slice(1, -1)) : part))),
  );
}
const firstLine = (text) => String(text || "").split("\n")[0];

// ---- $ref: JSON pointers into the document, followed through chains with a cycle guard.
function pointer(ref) {
  if (typeof ref !== "string" || !ref.startsWith("#/")) return undefined;
  let node = spec;
  for (const part of ref.slice(2).split("/")) {
    const key = decodeURIComponent(part).replace(/~1/g, "/").replace(/~0/g, "~");
    node = node && typeof node === "object" ? node[key] : undefined;
  }
  return node;
}
const refName = (ref) => decodeURIComponent(String(ref).split("/").pop());
/**
 * A schema (or parameter, body, response) with its $ref chain followed: the target, with the
 * referring object's own keywords (OpenAPI 3.1 allows a description beside $ref) on top, and
 * the name of the first component it came from.
 */
function resolve(raw) {
  let node = raw;
  let name;
  const chain = [];
  const siblings = {};
  while (node && typeof node === "object" && typeof node.$ref === "string") {
    if (chain.includes(node.$ref)) return { s: {}, name, cycle: true };
    chain.push(node.$ref);
    if (name === undefined) name = refName(node.$ref);
    for (const [k, v] of Object.entries(node)) if (k !== "$ref" && !(k in siblings)) siblings[k] = v;
    node = pointer(node.$ref);
  }
  if (node === true || node === undefined || node === null) node = {};
  if (node === false) node = { not: {} };
  return { s: Object.keys(siblings).length ? Object.assign({}, node, siblings) : node, name };
}
const isNull = (raw) => {
  const s = resolve(raw).s;
  return s.type === "null" || (Array.isArray(s.enum) && s.enum.length === 1 && s.enum[0] === null);
};

function typesOf(s) {
  if (Array.isArray(s.type)) return s.type;
  if (s.type) return [s.type];
  if (s.properties || s.additionalProperties) return ["object"];
  if (s.items) return ["array"];
  if (Array.isArray(s.enum)) return [...new Set(s.enum.map((v) => (v === null ? "null" : typeof v)))];
  if ("const" in s) return [s.const === null ? "null" : typeof s.const];
  return [];
}

/** A schema's type as a short label: "string (date-time) | null", "array of Invoice", "UsageEvent". */
function typeLabel(raw, depth) {
  depth = depth || 0;
  if (raw && raw.$ref) return refName(raw.$ref);
  const s = resolve(raw).s;
  if (depth > 4) return "…";
  const variants = s.anyOf || s.oneOf;
  if (variants) return variants.map((v) => typeLabel(v, depth + 1)).join(" | ");
  if (s.allOf) return s.allOf.map((v) => typeLabel(v, depth + 1)).join(" & ");
  if (s.not && Object.keys(s).length === 1) return "never";
  const labels = typesOf(s).map((t) => {
    if (t === "array") {
      const item = typeLabel(s.items || {}, depth + 1);
      return "array of " + (item.includes(" ") ? "(" + item + ")" : item);
    }
    if (t === "object" && s.additionalProperties && typeof s.additionalProperties === "object" && !s.properties) {
      return "map of " + typeLabel(s.additionalProperties, depth + 1);
    }
    return s.format && t !== "object" ? t + " (" + s.format + ")" : t;
  });
  return labels.join(" | ") || "any";
}

/** What a schema allows beyond its type: enum values, bounds, pattern, default, example. */
function factParts(s) {
  const out = [];
  const value = (v) => code(JSON.stringify(v));
  if (Array.isArray(s.enum)) out.push(["one of ", s.enum.map((v, i) => [i ? ", " : "", value(v)])]);
  if ("const" in s) out.push(["always ", value(s.const)]);
  if (s.minLength !== undefined || s.maxLength !== undefined) out.push(["length " + range(s.minLength, s.maxLength)]);
  if (s.minimum !== undefined || s.maximum !== undefined) out.push([range(s.minimum, s.maximum, "value ")]);
  if (s.exclusiveMinimum !== undefined) out.push(["> " + s.exclusiveMinimum]);
  if (s.exclusiveMaximum !== undefined) out.push(["< " + s.exclusiveMaximum]);
  if (s.multipleOf !== undefined) out.push(["multiple of " + s.multipleOf]);
  if (s.minItems !== undefined || s.maxItems !== undefined) out.push([range(s.minItems, s.maxItems) + " items"]);
  if (s.uniqueItems) out.push(["unique items"]);
  if (s.pattern) out.push(["pattern ", code(s.pattern)]);
  if (s.default !== undefined) out.push(["default ", value(s.default)]);
  if (s.example !== undefined) out.push(["example ", value(s.example)]);
  if (s.deprecated) out.push(["deprecated"]);
  if (s.readOnly) out.push(["read-only"]);
  if (s.writeOnly) out.push(["write-only"]);
  return out.map((f, i) => [i ? " · " : "", f]);
}
function facts(s) {
  const parts = factParts(s);
  return parts.length ? el("p", { class: "facts" }, parts) : null;
}
function range(min, max, prefix) {
  prefix = prefix || "";
  if (min !== undefined && max !== undefined) return min === max ? prefix + min : prefix + min + "–" + max;
  return min !== undefined ? prefix + "≥ " + min : prefix + "≤ " + max;
}

/**
 * A schema as nested lists: its properties (name, type, required, description, facts), array
 * items, variants and map values, with every $ref expanded. A component met again inside
 * itself is named, not expanded (the cycle guard); depth is capped besides.
 */
function schemaTree(raw, stack) {
  const { s, name, cycle } = resolve(raw);
  if (cycle || (name && stack.includes(name))) return el("p", { class: "note" }, "↻ ", code(name || "?"), " (recursive: as above)");
  if (stack.length > 12) return el("p", { class: "note" }, "… (nested too deep to show)");
  const inner = name ? stack.concat([name]) : stack;
  const parts = [];
  const variants = s.anyOf || s.oneOf;
  if (variants) {
    const real = variants.filter((v) => !isNull(v));
    if (real.length === 1 && variants.length === 2) return schemaTree(real[0], inner);
    const trees = variants.map((v) => schemaTree(v, inner));
    if (variants.some((v, i) => v.$ref || trees[i])) {
      parts.push(
        el("p", { class: "note" }, s.oneOf ? "Exactly one of:" : "Any of:"),
        el("ol", {}, variants.map((v, i) => el("li", {}, head(v), trees[i]))),
      );
    } else {
      // Scalars only (string | integer): the type label says it all, but for what each allows.
      const more = variants.map((v) => factParts(resolve(v).s));
      if (more.some((m) => m.length)) {
        const line = variants.map((v, i) => [i ? " | " : "", el("span", { class: "type" }, typeLabel(v)), more[i].length ? [" (", more[i], ")"] : null]);
        parts.push(el("p", { class: "facts" }, s.oneOf ? "exactly one of " : "any of ", line));
      }
    }
  }
  if (s.allOf) parts.push(el("p", { class: "note" }, "All of:"), el("ol", {}, s.allOf.map((v) => el("li", {}, head(v), schemaTree(v, inner)))));
  if (s.properties) {
    const required = s.required || [];
    parts.push(
      el(
        "ul",
        {},
        Object.entries(s.properties).map(([prop, sub]) =>
          el("li", {}, el("span", { class: "pname" }, code(prop)), " ", head(sub, required.includes(prop)), schemaTree(sub, inner)),
        ),
      ),
    );
  }
  if (s.additionalProperties && typeof s.additionalProperties === "object") {
    parts.push(el("ul", {}, el("li", {}, el("span", { class: "note" }, "any other key: "), head(s.additionalProperties), schemaTree(s.additionalProperties, inner))));
  } else if (s.properties && s.additionalProperties === false) {
    parts.push(el("p", { class: "note" }, "No other properties."));
  }
  if (s.items && typesOf(s).includes("array")) {
    const items = schemaTree(s.items, inner);
    if (items) parts.push(el("p", { class: "note" }, "Each item: ", head(s.items)), items);
  }
  return parts.length ? el("div", { class: "schema" }, parts) : null;
}
/** One schema's summary line: type, required, description and facts. */
function head(raw, required) {
  const { s } = resolve(raw);
  return [
    el("span", { class: "type" }, typeLabel(raw)),
    required ? [" ", el("span", { class: "req" }, "required")] : null,
    prose(s.description, "desc"),
    facts(s),
  ];
}
function schemaBlock(raw) {
  const { s, name } = resolve(raw);
  return el(
    "div",
    { class: "schema-top" },
    el("p", {}, "Schema: ", el("span", { class: "type" }, name ? name + " (" + typeLabel(s) + ")" : typeLabel(raw))),
    prose(s.description, "desc"),
    facts(s),
    schemaTree(raw, []),
  );
}

// ---- Examples built from a schema: its required properties (and, for the body of an update,
// the first property when none is, so that it changes something), each from its own example,
// default, const or first enum value where it has one, "now" for date-times, the lower bound
// for numbers, one item per array. Rules the schema cannot say (exactly one of two fields) are
// the description's to tell.
function sample(raw, stack, update) {
  stack = stack || [];
  const { s, name, cycle } = resolve(raw);
  if (cycle || (name && stack.includes(name)) || stack.length > 10) return undefined;
  const inner = name ? stack.concat([name]) : stack.concat(["?"]);
  if (s.example !== undefined) return s.example;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if (s.default !== undefined) return s.default;
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  const variants = s.anyOf || s.oneOf;
  if (variants) return sample(variants.find((v) => !isNull(v)) || variants[0], inner);
  if (s.allOf) {
    const merged = {};
    for (const part of s.allOf) {
      const v = sample(part, inner);
      if (v && typeof v === "object" && !Array.isArray(v)) Object.assign(merged, v);
      else if (v !== undefined) return v;
    }
    return merged;
  }
  const type = typesOf(s).find((t) => t !== "null") || typesOf(s)[0];
  if (type === "object") {
    const out = {};
    const props = s.properties || {};
    const chosen = s.required && s.required.length ? s.required : update ? Object.keys(props).slice(0, 1) : [];
    for (const prop of chosen) {
      const v = sample(props[prop] || {}, inner);
      if (v !== undefined || (s.required || []).includes(prop)) out[prop] = v === undefined ? null : v;
    }
    return out;
  }
  if (type === "array") {
    const item = sample(s.items || {}, inner);
    if (item === undefined || s.maxItems === 0) return [];
    return Array.from({ length: Math.max(1, s.minItems || 0) }, () => item);
  }
  if (type === "string") return sampleString(s);
  if (type === "integer" || type === "number") {
    let n = s.minimum !== undefined ? s.minimum : s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : s.maximum !== undefined && s.maximum < 0 ? s.maximum : 0;
    if (s.multipleOf) n = Math.ceil(n / s.multipleOf) * s.multipleOf;
    return type === "integer" ? Math.ceil(n) : n;
  }
  if (type === "boolean") return false;
  if (type === "null") return null;
  return undefined;
}
function sampleString(s) {
  const now = new Date().toISOString();
  const byFormat = { "date-time": now, date: now.slice(0, 10), time: now.slice(11, 19) + "Z", email: "dev@example.com", uri: "https://example.com", url: "https://example.com", uuid: crypto.randomUUID() };
  if (byFormat[s.format]) return byFormat[s.format];
  const min = s.minLength || 0;
  const candidates = ["string", "example", "a", "A1", "abc", "x".repeat(Math.max(min, 1)), "1"];
  let pattern = null;
  try {
    pattern = s.pattern ? new RegExp(s.pattern, "u") : null;
  } catch {
    pattern = null;
  }
  for (const c of candidates) {
    if (c.length < min || (s.maxLength !== undefined && c.length > s.maxLength)) continue;
    if (!pattern || pattern.test(c)) return c;
  }
  return "x".repeat(Math.max(min, 1));
}

// ---- Operations.
function parametersOf(pathItem, op) {
  const byKey = new Map();
  for (const raw of (pathItem.parameters || []).concat(op.parameters || [])) {
    const p = resolve(raw).s;
    if (p.name && p.in) byKey.set(p.in + ":" + p.name.toLowerCase(), p);
  }
  return [...byKey.values()];
}
function mediaOf(container) {
  return Object.entries((container && resolve(container).s.content) || {});
}
function exampleOf(media) {
  if (media.example !== undefined) return media.example;
  const first = media.examples && Object.values(media.examples)[0];
  if (first) {
    const ex = resolve(first).s;
    if (ex.value !== undefined) return ex.value;
  }
  return undefined;
}
const asText = (value) => (typeof value === "string" ? value : json(value));

function scopesOf(op) {
  const security = op.security || spec.security;
  if (!security) return null;
  if (!security.length) return el("span", {}, "No bearer token (authenticated by signature).");
  const scopes = [...new Set(security.flatMap((req) => Object.values(req).flat()))];
  if (!scopes.length) return el("span", {}, "Bearer token.");
  return el("span", {}, "Bearer token with scope ", scopes.map((scope, i) => [i ? " or " : "", code(scope)]), scopes.includes("admin") ? "" : " (or admin)");
}

function renderOperation(entry) {
  const { op, method, path, pathItem, webhook, id } = entry;
  const body = el("div", { class: "body" });
  add(body, [
    el("p", { class: "meta" }, "operationId ", code(op.operationId || "(none)"), webhook ? null : [" · ", scopesOf(op)]),
    prose(op.description),
  ]);
  const params = parametersOf(pathItem, op);
  const bodies = mediaOf(op.requestBody);
  const form = webhook ? el("div") : el("form", { class: "try", novalidate: true, "aria-label": "Try " + (op.operationId || method + " " + path) });
  if (params.length) {
    add(form, el("h3", {}, webhook ? "Headers we send" : "Parameters"));
    for (const [where, title] of LOCATIONS) {
      const list = params.filter((p) => p.in === where);
      if (!list.length) continue;
      add(form, el("fieldset", {}, el("legend", {}, title), list.map((p) => paramRow(p, id, webhook))));
    }
  }
  // Body, then the actions and what the last request got, then the body's schema: Send stays
  // next to what it sends, however long the schema.
  let textarea;
  const actions = el("div", { class: "actions" });
  const schemaBox = el("div");
  if (bodies.length) {
    const requestBody = resolve(op.requestBody).s;
    add(form, el("h3", {}, webhook ? "Payload" : "Request body", requestBody.required ? [" ", el("span", { class: "req" }, "required")] : null));
    add(form, prose(requestBody.description));
    const taId = id + "-body";
    const labelText = (type) => (webhook ? "Example payload (" : "Request body (") + type + ")";
    const typeSelect = bodies.length > 1 ? el("select", { id: id + "-ctype" }, bodies.map(([type]) => el("option", { value: type }, type))) : null;
    const label = el("label", { for: taId }, labelText(bodies[0][0]));
    textarea = el("textarea", { id: taId, spellcheck: "false", rows: 10, "data-ctype": bodies[0][0], readonly: webhook ? true : null });
    const exampleNote = el("p", { class: "note" });
    const fill = (fromSchema) => {
      const media = Object.fromEntries(bodies)[textarea.dataset.ctype] || {};
      const documented = exampleOf(media);
      const value = !fromSchema && documented !== undefined ? documented : sample(media.schema || {}, [], method === "put" || method === "patch");
      textarea.value = value === undefined ? "" : asText(value);
      textarea.rows = Math.min(24, Math.max(4, textarea.value.split("\n").length + 1));
      exampleNote.textContent = !fromSchema && documented !== undefined ? "Prefilled with the documented example." : "Built from the schema.";
      schemaBox.replaceChildren(el("h4", {}, (webhook ? "Payload" : "Body") + " schema"), media.schema ? schemaBlock(media.schema) : el("p", { class: "note" }, "No schema."));
    };
    if (typeSelect) {
      typeSelect.addEventListener("change", () => {
        textarea.dataset.ctype = typeSelect.value;
        label.textContent = labelText(typeSelect.value);
        fill(false);
      });
      add(form, el("div", { class: "param" }, el("label", { for: typeSelect.id }, "Content type"), typeSelect));
    }
    add(form, label, textarea, exampleNote);
    if (!webhook && bodies.some(([, media]) => exampleOf(media) !== undefined)) {
      const reset = el("button", { type: "button" }, "Documented example");
      const minimal = el("button", { type: "button" }, "Minimal body from the schema");
      reset.addEventListener("click", () => fill(false));
      minimal.addEventListener("click", () => fill(true));
      add(actions, reset, minimal);
    }
    fill(false);
  }
  if (!webhook) {
    const out = el("div", { class: "out", "aria-live": "polite" });
    const send = el("button", { type: "submit" }, "Send request");
    actions.prepend(send);
    add(form, actions, out);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      sendRequest(entry, form, textarea, out, send);
    });
  }
  add(form, schemaBox);
  add(body, form);
  add(body, responsesView(op, webhook));
  return body;
}

/** A parameter's field, labelled with its name, whether it is required and its type; described by its description and facts. */
function paramRow(p, opId, readOnly) {
  const s = resolve(p.schema || {}).s;
  const inputId = opId + "-" + p.in + "-" + slug(p.name);
  const descId = inputId + "-d";
  const name = [code(p.name), p.required ? [" ", el("span", { class: "req" }, "required")] : null, " ", el("span", { class: "type" }, typeLabel(p.schema || {}))];
  const description = el("div", { class: "desc", id: descId }, prose(p.description || s.description), facts(s));
  // What the platform sends (a webhook's headers): described, nothing to fill in.
  if (readOnly) return el("div", { class: "param" }, el("span", {}, name), description);
  const label = el("label", { for: inputId }, name);
  const attrs = { id: inputId, "data-in": p.in, "data-name": p.name, "aria-describedby": descId, "aria-required": p.required ? "true" : null, disabled: p.in === "cookie" ? true : null };
  let input;
  const options = Array.isArray(s.enum) ? s.enum : typesOf(s).includes("boolean") ? [true, false] : null;
  if (options) {
    input = el("select", attrs, p.required ? null : el("option", { value: "" }, "(not sent)"), options.map((v) => el("option", { value: String(v) }, String(v))));
  } else {
    const example = p.example !== undefined ? p.example : s.example;
    input = el("input", Object.assign(attrs, { type: "text", spellcheck: "false", autocomplete: "off", placeholder: example !== undefined ? String(example) : null }));
    // Path parameters come filled in with their example, so an operation can be tried at once.
    if (p.in === "path" && example !== undefined) input.value = String(example);
  }
  if (p.in === "cookie") add(description, el("p", {}, "A page cannot set cookies on a request; send it with another client."));
  return el("div", { class: "param" }, label, input, description);
}

function responsesView(op, webhook) {
  const responses = Object.entries(op.responses || {});
  if (!responses.length) return null;
  return [
    el("h3", {}, webhook ? "Your endpoint answers" : "Responses"),
    el(
      "ul",
      { class: "responses" },
      responses.map(([status, raw]) => {
        const r = resolve(raw).s;
        const media = mediaOf(r);
        const headers = Object.entries(r.headers || {});
        return el(
          "li",
          {},
          el(
            "details",
            { class: "resp", "data-status": status },
            el("summary", {}, el("span", { class: "code c" + (/^[1-5]/.test(status) ? status[0] : "x") }, status), firstLine(r.description) || "(no description)"),
            prose(String(r.description || "").includes("\n") ? r.description : ""),
            headers.length
              ? el("div", {}, el("h4", {}, "Headers"), el("ul", {}, headers.map(([name, h]) => el("li", {}, code(name), " ", head(resolve(h).s.schema || {}), prose(resolve(h).s.description)))))
              : null,
            media.length
              ? media.map(([type, m]) => {
                  const documented = exampleOf(m);
                  const shown = documented !== undefined ? documented : m.schema && /json/.test(type) ? sample(m.schema) : undefined;
                  return el(
                    "div",
                    {},
                    el("h4", {}, type),
                    m.schema ? schemaBlock(m.schema) : null,
                    shown !== undefined ? [el("p", { class: "note" }, documented !== undefined ? "Example" : "Example (built from the schema)"), el("pre", { tabindex: 0 }, asText(shown))] : null,
                  );
                })
              : el("p", { class: "note" }, "No body."),
          ),
        );
      }),
    ),
  ];
}

async function sendRequest(entry, form, textarea, out, button) {
  const { method, path, op } = entry;
  const problem = (text, field) => {
    out.replaceChildren(el("p", { class: "error", role: "alert" }, text));
    if (field) field.focus();
  };
  let url = path;
  const query = new URLSearchParams();
  const headers = {};
  for (const input of form.querySelectorAll("[data-in]")) {
    const where = input.dataset.in;
    const name = input.dataset.name;
    const value = input.value.trim();
    if (where === "path") {
      if (!value) return problem("Fill in the path parameter " + name + ".", input);
      url = url.split("{" + name + "}").join(encodeURIComponent(value));
    } else if (!value) {
      continue;
    } else if (where === "query") {
      query.append(name, value);
    } else if (where === "header") {
      headers[name] = value;
    }
  }
  const token = tokenInput.value.trim();
  const security = op.security || spec.security;
  if (token && !(security && security.length === 0)) headers.authorization = "Bearer " + token;
  let requestBody;
  if (textarea && textarea.value.trim() && !["get", "head"].includes(method)) {
    const type = textarea.dataset.ctype;
    if (/json/.test(type)) {
      try {
        JSON.parse(textarea.value);
      } catch (err) {
        return problem("The request body is not valid JSON: " + err.message, textarea);
      }
    }
    headers["content-type"] = type;
    requestBody = textarea.value;
  }
  const target = url + (query.size ? "?" + query : "");
  const shownHeaders = Object.entries(headers).map(([k, v]) => k + ": " + (k === "authorization" ? "Bearer …" + v.slice(-6) : v));
  const sent = el("pre", { tabindex: 0, "aria-label": "Request sent" }, [method.toUpperCase() + " " + target].concat(shownHeaders).join("\n"));
  button.disabled = true;
  out.replaceChildren(el("p", { class: "note" }, "Sending…"));
  const started = performance.now();
  try {
    const res = await fetch(target, { method: method.toUpperCase(), headers, body: requestBody });
    const ms = Math.round(performance.now() - started);
    const type = res.headers.get("content-type") || "";
    const documented = (op.responses || {})[String(res.status)] || (op.responses || {})[String(res.status)[0] + "XX"] || (op.responses || {}).default;
    let shown;
    if (/json|text|csv|xml/.test(type) || !type) {
      const text = await res.text();
      let pretty = text;
      try {
        pretty = json(JSON.parse(text));
      } catch {}
      shown = el("pre", { tabindex: 0, "aria-label": "Response body" }, pretty || "(empty body)");
    } else {
      const blob = await res.blob();
      const link = el("a", { href: URL.createObjectURL(blob), download: (op.operationId || "response") + (type.includes("pdf") ? ".pdf" : "") }, "Download");
      shown = el("p", {}, type + ", " + blob.size + " bytes. ", link);
    }
    const meta = [type, ms + " ms", res.headers.get("x-request-id") ? "request id " + res.headers.get("x-request-id") : ""].filter(Boolean).join(" · ");
    out.replaceChildren(
      el("h4", {}, "Response"),
      el("p", {}, el("span", { class: "status" }, res.status + " " + (res.statusText || "")), " ", documented ? el("span", { class: "note" }, "— " + firstLine(resolve(documented).s.description)) : el("span", { class: "note" }, "— not a documented status")),
      el("p", { class: "note" }, meta),
      shown,
      el("h4", {}, "Request"),
      sent,
    );
  } catch (err) {
    out.replaceChildren(el("p", { class: "error", role: "alert" }, "The request failed: " + err.message), sent);
  } finally {
    button.disabled = false;
  }
}

// ---- The page: tags in the document's order, operations under them, lazily rendered on open.
function collect() {
  const list = [];
  for (const [path, pathItem] of Object.entries(spec.paths || {})) {
    for (const method of METHODS) if (pathItem[method]) list.push({ path, method, pathItem, op: pathItem[method], webhook: false });
  }
  for (const [name, pathItem] of Object.entries(spec.webhooks || {})) {
    for (const method of METHODS) if (pathItem[method]) list.push({ path: name, method, pathItem, op: pathItem[method], webhook: true });
  }
  return list;
}

function render() {
  const tagInfo = new Map((spec.tags || []).map((t) => [t.name, t]));
  const groups = new Map([...tagInfo.keys()].map((name) => [name, []]));
  for (const entry of collect()) {
    const tag = (entry.op.tags && entry.op.tags[0]) || "Other";
    if (!groups.has(tag)) groups.set(tag, []);
    groups.get(tag).push(entry);
  }
  const info = spec.info || {};
  const intro = el(
    "section",
    { "aria-labelledby": "about" },
    el("h2", { id: "about" }, "Overview"),
    el("p", { class: "meta" }, [info.version ? "Version " + info.version : "", spec.openapi ? "OpenAPI " + spec.openapi : "", "press / to search"].filter(Boolean).join(" · ")),
    prose(info.description),
  );
  const sections = [];
  const tocList = el("ul");
  for (const [tag, list] of groups) {
    if (!list.length) continue;
    const headingId = "tag-" + slug(tag);
    const section = el("section", { "aria-labelledby": headingId, class: "tag" }, el("h2", { id: headingId }, tag), prose((tagInfo.get(tag) || {}).description, "tagdesc"));
    const tocItem = el("li", {}, el("a", { href: "#" + headingId }, tag));
    for (const entry of list) {
      const { op, method, path, webhook } = entry;
      entry.id = "op-" + slug(op.operationId || method + "-" + path);
      entry.tocItem = tocItem;
      entry.section = section;
      entry.haystack = [method, path, op.summary, op.operationId, ...(op.tags || [])].join(" ").toLowerCase();
      const badge = el("span", { class: "m " + (webhook ? "event" : method) }, webhook ? "EVENT" : method.toUpperCase());
      const details = el("details", { class: "op", id: entry.id }, el("summary", {}, badge, el("span", { class: "p" }, path), el("span", { class: "s" }, op.summary || "")));
      details.addEventListener("toggle", () => {
        if (!details.open) return;
        if (!entry.rendered) {
          entry.rendered = true;
          details.append(renderOperation(entry));
        }
        if (location.hash !== "#" + entry.id) history.replaceState(null, "", "#" + entry.id);
      });
      entry.el = details;
      section.append(details);
      entries.push(entry);
    }
    sections.push(section);
    tocList.append(tocItem);
  }
  root.replaceChildren(intro, ...sections);
  toc.replaceChildren(tocList);
  filter();
  openFromHash();
}

function filter() {
  const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  const visibleSections = new Set();
  for (const entry of entries) {
    const hit = words.every((w) => entry.haystack.includes(w));
    entry.el.hidden = !hit;
    if (hit) {
      shown++;
      visibleSections.add(entry.section);
    }
  }
  for (const entry of entries) {
    entry.section.hidden = !visibleSections.has(entry.section);
    entry.tocItem.hidden = entry.section.hidden;
  }
  count.textContent = words.length ? shown + " of " + entries.length + " operations match" : entries.length + " operations";
}

function openFromHash() {
  const entry = entries.find((e) => "#" + e.id === location.hash);
  if (!entry) return;
  entry.el.hidden = false;
  entry.section.hidden = false;
  entry.el.open = true;
  entry.el.scrollIntoView();
}

search.addEventListener("input", filter);
search.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && search.value) {
    search.value = "";
    filter();
  }
});
document.addEventListener("keydown", (event) => {
  const typing = /^(INPUT|TEXTAREA|SELECT)$/.test((event.target && event.target.tagName) || "");
  if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
    event.preventDefault();
    search.focus();
  }
});
window.addEventListener("hashchange", openFromHash);

fetch(SPEC_URL)
  .then((res) => {
    if (!res.ok) throw new Error("HTTP " + res.status);
    return res.json();
  })
  .then((doc) => {
    spec = doc;
    render();
  })
  .catch((err) => {
    root.replaceChildren(el("p", { class: "error", role: "alert" }, "Could not load " + SPEC_URL + ": " + err.message));
  });
})();
`;
