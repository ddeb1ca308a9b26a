// The machine a run happened on, the printed table, and bench/results.json.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export function machineInfo() {
  const cpuList = cpus();
  let workerd = require("workerd/package.json").version;
  try {
    workerd = execFileSync(require.resolve("workerd/bin/workerd"), ["--version"], { encoding: "utf8" }).trim();
  } catch {
    // the package version is good enough
  }
  return {
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? "unknown",
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    loadAvg1m: Math.round(loadavg()[0] * 100) / 100,
    platform: `${process.platform}-${process.arch}`,
    node: process.version,
    workerd,
    miniflare: require("miniflare/package.json").version,
  };
}

/** Prints rows of [label, ...cells] as an aligned table. */
export function printTable(header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c ?? "")));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(line(all[0]));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of all.slice(1)) console.log(line(r));
}

/** Writes this run's results (a bench that adds keys adds them to the same object). */
export function writeResults(path, results) {
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}
