// The registry this project is built against serves workerd's Linux binaries only, so
// `npm install` leaves workerd's other platform packages out of package-lock.json and
// `npm ci` then refuses the lock as out of sync. This adds the missing optional entries
// (os/cpu-tagged, so npm skips them on Linux and fetches them on macOS/Windows).
// Run after any `npm install` that rewrites the lock: `node scripts/lock-platforms.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const PLATFORMS = {
  "darwin-64": { os: ["darwin"], cpu: ["x64"] },
  "darwin-arm64": { os: ["darwin"], cpu: ["arm64"] },
  "linux-64": { os: ["linux"], cpu: ["x64"] },
  "linux-arm64": { os: ["linux"], cpu: ["arm64"] },
  "windows-64": { os: ["win32"], cpu: ["x64"] },
};

const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
let added = 0;
for (const [path, pkg] of Object.entries(lock.packages)) {
  if (!path.endsWith("node_modules/workerd")) continue;
  const base = path.slice(0, -"workerd".length);
  for (const [name, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    const platform = PLATFORMS[name.replace("@cloudflare/workerd-", "")];
    const key = `${base}${name}`;
    const hoisted = `node_modules/${name}`;
    if (!platform || lock.packages[key] || lock.packages[hoisted]?.version === version) continue;
    lock.packages[key] = { version, dev: pkg.dev, optional: true, license: "Apache-2.0", ...platform, engines: { node: ">=16" } };
    added++;
  }
}
writeFileSync("package-lock.json", `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platforms: added ${added} platform entries`);
