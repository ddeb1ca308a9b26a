// CPU time used by the workerd processes this bench started (Linux /proc). Per-request CPU
// is a steadier figure than requests/s on a machine other work is sharing.
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100;

function stat(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  const afterComm = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // fields after "(comm) ": state ppid … utime(14) stime(15) in the full numbering
  return {
    comm: text.slice(text.indexOf("(") + 1, text.lastIndexOf(")")),
    ppid: Number(afterComm[1]),
    cpu: (Number(afterComm[11]) + Number(afterComm[12])) / TICKS_PER_SECOND,
  };
}

/** Seconds of CPU the workerd children of this process have used so far, or null off Linux. */
export function workerdCpuSeconds() {
  try {
    let total = 0;
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const s = stat(entry);
        if (s.comm === "workerd" && s.ppid === process.pid) total += s.cpu;
      } catch {
        // the process went away
      }
    }
    return total;
  } catch {
    return null;
  }
}
