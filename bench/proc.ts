// What a process costs, from /proc: its peak RSS, CPU time and system calls, and the CPU time of a
// server made of many processes (PostgreSQL: a postmaster and one backend per connection).
import { readdirSync, readFileSync } from "node:fs";

/** /proc/<pid>/stat's fields after the command name (which may hold spaces): [0] is the state. */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

export function procStat(pid: number): { hwmKb: number; cpuTicks: number; syscalls: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const stat = statFields(pid);
  // Read and write system calls (sockets included): unlike CPU time, a count the machine's noise
  // does not change.
  const io = readFileSync(`/proc/${pid}/io`, "utf8");
  const syscalls = Number(/syscr:\s+(\d+)/.exec(io)?.[1] ?? 0) + Number(/syscw:\s+(\d+)/.exec(io)?.[1] ?? 0);
  return { hwmKb: hwm, cpuTicks: Number(stat[11]) + Number(stat[12]), syscalls };
}

/**
 * CPU ticks (1/100 s) of `pid` and its children: theirs while they run, and, through the parent's
 * cutime/cstime, those of children it has reaped (a backend that ended keeps counting).
 */
export function treeCpuTicks(pid: number): number {
  const own = statFields(pid);
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const f = statFields(Number(name));
      if (Number(f[1]) === pid) ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // ended while we looked
    }
  }
  return ticks;
}
