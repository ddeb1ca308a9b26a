import { DOCS_SCRIPT } from "./page-script";

/**
 * The interactive API reference at /docs: a small page of our own that reads the OpenAPI
 * document in the browser and renders it (the script is ./page-script.ts). Per operation: its
 * parameters by location (path, query, header: headers such as Idempotency-Key go out as request
 * headers), the request body's schema with every `$ref` resolved (recursively, with a cycle
 * guard) and a textarea prefilled with the documented example or one built from the schema, every
 * documented response (errors too) with its schema and example, and a "Send request" form. A
 * search box filters operations by path, summary, operationId and tag; the bearer token lives in
 * sessionStorage, gone with the tab.
 *
 * Why not Scalar's API reference (@scalar/api-reference, bundled locally)? Weight and the CSP.
 * Its standalone bundle is about 3.5 MB (1 MB gzipped) of JavaScript that the Worker would have
 * to carry (or the build to copy into the static assets) for one developer page, against under
 * 40 KB here. It injects `<style>` elements at run time without a nonce, so the page would need
 * `style-src 'unsafe-inline'`, and it points at fonts.scalar.com and a request proxy on
 * api.scalar.com unless configured away. This page keeps the strict policy of every page the
 * Worker serves (src/http/security-headers.ts `pageCsp`): script and style by a per-response
 * nonce only, `connect-src 'self'`, no inline handlers and no style attributes (the script builds
 * the DOM with createElement and hides with the `hidden` attribute), nothing fetched but the
 * document and the API calls the reader sends. The price is fewer features (no code samples in
 * other languages, no markdown beyond paragraphs and `code`), which the document's readers can
 * get from openapi.json with any tool they like.
 */
export function docsPage(specUrl: string, nonce: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Edge Billing API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<style nonce="${nonce}">${STYLE}</style></head><body>
<a class="skip" href="#root">Skip to the operations</a>
<header>
<h1>Edge Billing API</h1>
<div class="field"><label for="search">Search operations</label>
<input id="search" type="search" autocomplete="off" spellcheck="false" placeholder="path, summary, operationId or tag" aria-keyshortcuts="/" aria-describedby="match-count">
<span id="match-count" class="help" role="status"></span></div>
<div class="field"><label for="token">Bearer token</label>
<input id="token" type="text" autocomplete="off" spellcheck="false" placeholder="npm run token -- --tenant acme --scope admin" aria-describedby="token-help">
<span id="token-help" class="help">Kept in this tab's sessionStorage only.</span></div>
<a href="${escapeAttr(specUrl)}">openapi.json</a>
</header>
<div class="layout"><nav id="toc" aria-label="Tags"></nav>
<main id="root" data-spec="${escapeAttr(specUrl)}" tabindex="-1"><p>Loading the OpenAPI document…</p></main></div>
<script nonce="${nonce}">${DOCS_SCRIPT}</script></body></html>`;
}

const escapeAttr = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

// Colours keep 4.5:1 contrast for their text (axe runs on the page in e2e/docs.mjs).
const STYLE = `
*{box-sizing:border-box}
body{font:14px/1.5 system-ui,sans-serif;margin:0;color:#1d2433;background:#f6f7fb}
a{color:#1d5fa8}
.skip{position:absolute;left:-9999px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px;z-index:2}
header{background:#1d2433;color:#fff;padding:10px 24px;display:flex;gap:12px 20px;align-items:flex-end;flex-wrap:wrap;position:sticky;top:0;z-index:1}
header h1{font-size:18px;margin:0 auto 4px 0}
header a{color:#9cc3ff;margin-bottom:6px}
.field{display:flex;flex-direction:column;font-size:12px}
.field input{width:300px;max-width:80vw;padding:6px;border-radius:4px;border:0;font:12px monospace}
.help{color:#c9d1e0;font-size:11px}
:focus-visible{outline:2px solid #f0a500;outline-offset:2px}
.layout{display:grid;grid-template-columns:220px minmax(0,1fr);gap:16px;max-width:1280px;margin:0 auto;padding:8px 24px}
#toc ul{list-style:none;margin:0;padding:8px 0;position:sticky;top:80px;font-size:13px;max-height:calc(100vh - 90px);overflow:auto}
#toc li{margin:2px 0}
main{min-width:0}
main h2,details.op{scroll-margin-top:80px}
main h2{border-bottom:1px solid #d5d9e3;padding-bottom:4px;margin:28px 0 4px}
.tagdesc{color:#4a5366;margin:4px 0 8px}
details.op{background:#fff;border:1px solid #d5d9e3;border-radius:6px;margin:6px 0}
details.op>summary{cursor:pointer;padding:8px 12px;display:flex;gap:12px;align-items:center;flex-wrap:wrap}
details.op[open]>summary{border-bottom:1px solid #e3e6ee}
.m{font:bold 11px monospace;padding:2px 6px;border-radius:3px;color:#fff;min-width:56px;text-align:center}
.get{background:#1d5fa8}.post{background:#1e7a46}.put{background:#8a5a00}.delete{background:#b42318}.patch{background:#6b3fb5}.event{background:#4a5366}
.p{font-family:monospace;word-break:break-all}.s{color:#4a5366}
.body{padding:8px 16px 16px}
.body h3{font-size:15px;margin:18px 0 6px}
.body h4{font-size:13px;margin:12px 0 4px}
.meta{font-size:12px;color:#4a5366}
code{font:12px monospace;background:#eef1f6;padding:0 3px;border-radius:3px}
pre{background:#f0f2f7;padding:8px;overflow:auto;border-radius:4px;font-size:12px;max-height:360px;margin:4px 0}
fieldset{border:1px solid #e3e6ee;border-radius:4px;margin:8px 0;padding:4px 12px 8px}
legend{font-weight:600;font-size:13px;padding:0 4px}
.param{display:grid;grid-template-columns:minmax(160px,240px) minmax(0,1fr);gap:2px 12px;margin:6px 0;align-items:start}
.param label{font-size:13px;padding-top:4px}
.param input,.param select{font:12px monospace;padding:4px;width:100%;max-width:420px}
.param .desc{grid-column:2;margin:0;font-size:12px;color:#4a5366}
.param .desc p{margin:2px 0}
.req{color:#b42318;font-size:11px;font-weight:600}
.type{color:#6b3fb5;font:12px monospace}
.facts{font-size:12px;color:#4a5366;margin:0}
textarea{width:100%;min-height:120px;font:12px monospace;padding:6px}
button{padding:6px 14px;margin:6px 8px 0 0;font:inherit;cursor:pointer}
.actions{display:flex;flex-wrap:wrap;align-items:center}
.error{color:#b42318}
.schema{border-left:3px solid #d5d9e3;padding:2px 0 2px 10px;margin:4px 0}
.schema ul,.schema ol{margin:4px 0;padding-left:18px}
.schema li{margin:4px 0}
.schema p{margin:2px 0}
.pname{font-weight:600}
.note{font-size:12px;color:#4a5366}
ul.responses{list-style:none;padding:0;margin:0}
details.resp{border:1px solid #e3e6ee;border-radius:4px;margin:4px 0;padding:0 10px}
details.resp>summary{cursor:pointer;padding:6px 0}
.code{font:bold 12px monospace;padding:1px 6px;border-radius:3px;margin-right:8px;color:#fff}
.c2{background:#1e7a46}.c3{background:#1d5fa8}.c4{background:#8a4b00}.c5{background:#b42318}.cx{background:#4a5366}
.out:empty{display:none}
.out{margin-top:10px;border-top:1px dashed #d5d9e3;padding-top:6px}
.status{font-weight:600}
@media (max-width:800px){.layout{grid-template-columns:minmax(0,1fr);padding:8px 12px}#toc{display:none}header{position:static}.param{grid-template-columns:minmax(0,1fr)}.param .desc{grid-column:1}.body{padding:8px}}
`;
