/**
 * The interactive API reference at /docs. Self-contained (no CDN), so it works
 * offline under `wrangler dev`: it reads the OpenAPI document and renders each
 * operation with its parameters, body schema and a "try it" form. Its script and style
 * carry `nonce` (the page's CSP allows nothing else: no inline handlers, no style
 * attributes), and the token lives in sessionStorage, gone with the tab.
 */
export function docsPage(specUrl: string, nonce: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Edge Billing API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="${nonce}">
body{font:14px/1.5 system-ui,sans-serif;margin:0;color:#1d2433;background:#f6f7fb}
header{background:#1d2433;color:#fff;padding:16px 24px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header h1{font-size:18px;margin:0;flex:1}
header input{width:420px;max-width:100%;padding:6px;border-radius:4px;border:0;font:12px monospace}
main{max-width:1100px;margin:0 auto;padding:16px 24px}
h2{border-bottom:1px solid #d5d9e3;padding-bottom:4px;margin-top:28px}
details{background:#fff;border:1px solid #d5d9e3;border-radius:6px;margin:6px 0}
summary{cursor:pointer;padding:8px 12px;display:flex;gap:12px;align-items:center}
.m{font:bold 11px monospace;padding:2px 6px;border-radius:3px;color:#fff;min-width:48px;text-align:center}
.get{background:#2f7dd1}.post{background:#2a9d5c}.put{background:#c7861c}.delete{background:#c73b3b}.patch{background:#7a4fc7}
.p{font-family:monospace}.s{color:#5b6478}
.body{padding:8px 16px 16px}pre{background:#f0f2f7;padding:8px;overflow:auto;border-radius:4px;font-size:12px;max-height:360px}
textarea{width:100%;min-height:90px;font:12px monospace}button{padding:6px 14px;margin-top:6px}
label{display:block;margin-top:4px;font-size:12px}label input{font:12px monospace;width:260px}
header a{color:#9cc3ff}
</style></head><body>
<header><h1>Edge Billing API</h1>
<input id="token" placeholder="Bearer token (npm run token -- --tenant acme --scope admin)">
<a href="${specUrl}">openapi.json</a></header>
<main id="root">Loading…</main>
<script nonce="${nonce}">
const SPEC=${JSON.stringify(specUrl)};
const esc=s=>String(s).replace(/[&<>"]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
const tokenInput=document.getElementById('token');
tokenInput.value=sessionStorage.getItem('token')||'';
tokenInput.onchange=()=>sessionStorage.setItem('token',tokenInput.value.trim());
document.addEventListener('click',e=>{const b=e.target.closest('button[data-op]');if(b)tryIt(b.dataset.op,b.dataset.method,b.dataset.path)});
function resolve(spec,s){return s&&s.$ref?spec.components.schemas[s.$ref.split('/').pop()]:s}
function example(spec,s,depth){s=resolve(spec,s);if(!s||depth>6)return null;
 if(s.example!==undefined)return s.example;if(s.default!==undefined)return s.default;
 if(s.anyOf||s.oneOf)return example(spec,(s.anyOf||s.oneOf)[0],depth+1);
 if(s.type==='object'||s.properties){const o={};for(const [k,v] of Object.entries(s.properties||{})){if((s.required||[]).includes(k))o[k]=example(spec,v,depth+1)}return o}
 if(s.type==='array')return [];if(s.enum)return s.enum[0];
 return {string:'',number:0,integer:0,boolean:false}[Array.isArray(s.type)?s.type[0]:s.type]??null}
async function tryIt(id,method,path){
 const form=document.getElementById(id);let url=path;const q=new URLSearchParams();
 for(const i of form.querySelectorAll('input[data-in]')){if(!i.value)continue;
  if(i.dataset.in==='path')url=url.replace('{'+i.name+'}',encodeURIComponent(i.value));else q.set(i.name,i.value)}
 const headers={};const t=tokenInput.value.trim();if(t)headers.authorization='Bearer '+t;
 const ta=form.querySelector('textarea');let body;if(ta){headers['content-type']='application/json';body=ta.value}
 const res=await fetch(url+(q.size?'?'+q:''),{method:method.toUpperCase(),headers,body});
 const text=await res.text();let shown=text;try{shown=JSON.stringify(JSON.parse(text),null,2)}catch{}
 form.querySelector('.out').textContent=res.status+' '+res.statusText+'\\n'+shown}
fetch(SPEC).then(r=>r.json()).then(spec=>{
 const groups={};let n=0;
 for(const [path,ops] of Object.entries(spec.paths||{}))for(const [method,op] of Object.entries(ops)){
  const tag=(op.tags||['Other'])[0];(groups[tag]=groups[tag]||[]).push({path,method,op})}
 document.getElementById('root').innerHTML=Object.entries(groups).map(([tag,list])=>'<h2>'+esc(tag)+'</h2>'+list.map(({path,method,op})=>{
  const id='op'+(n++);const params=(op.parameters||[]);
  const bodySchema=op.requestBody&&op.requestBody.content&&op.requestBody.content['application/json']&&op.requestBody.content['application/json'].schema;
  const ok=Object.entries(op.responses||{}).find(([s])=>s.startsWith('2'));
  const okSchema=ok&&ok[1].content&&ok[1].content['application/json']&&ok[1].content['application/json'].schema;
  return '<details><summary><span class="m '+method+'">'+method.toUpperCase()+'</span><span class="p">'+esc(path)+'</span><span class="s">'+esc(op.summary||'')+'</span></summary><div class="body" id="'+id+'">'
   +(op.description?'<p>'+esc(op.description)+'</p>':'')
   +params.map(p=>'<label>'+esc(p.in)+' <b>'+esc(p.name)+'</b>'+(p.required?' *':'')+' <input data-in="'+esc(p.in)+'" name="'+esc(p.name)+'"></label>').join('')
   +(bodySchema?'<p>Body</p><textarea>'+esc(JSON.stringify(example(spec,bodySchema,0),null,2))+'</textarea><details><summary class="s">Body schema</summary><pre>'+esc(JSON.stringify(resolve(spec,bodySchema),null,2))+'</pre></details>':'')
   +(okSchema?'<details><summary class="s">Response schema ('+ok[0]+')</summary><pre>'+esc(JSON.stringify(resolve(spec,okSchema),null,2))+'</pre></details>':'')
   +'<button data-op="'+id+'" data-method="'+esc(method)+'" data-path="'+esc(path)+'">Send</button><pre class="out"></pre></div></details>'}).join('')).join('');
}).catch(e=>{document.getElementById('root').textContent='Could not load '+SPEC+': '+e});
</script></body></html>`;
}
