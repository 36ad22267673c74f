import { readdirSync, readFileSync } from 'node:fs';

/** Linux counts CPU time in USER_HZ ticks, which are 100 a second on every architecture Node supports. */
const TICKS_PER_SECOND = 100;

function stat(pid: number | string): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name, in parentheses, may hold spaces: fields are counted after it.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds (user and system) a process and its child processes (instances it started,
 * say) have used so far; undefined without Linux's /proc.
 */
export function cpuSeconds(pid: number): number | undefined {
  const own = stat(pid);
  if (!own) return undefined;
  const used = (fields: string[]) => (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  let total = used(own);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = stat(entry);
    // Field 4 of /proc/<pid>/stat, the parent's pid, is the second after the name.
    if (fields && Number(fields[1]) === pid) total += used(fields);
  }
  return total;
}

export interface Resident {
  /** Bytes resident now. */
  rss: number;
  /** The most bytes ever resident at once (VmHWM). */
  peak: number;
}

export function resident(pid: number): Resident | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const bytes = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
    return { rss: bytes('VmRSS'), peak: bytes('VmHWM') };
  } catch {
    return undefined;
  }
}

/** CPU seconds the whole machine has been busy since boot, time the hypervisor took (steal) included. */
export function machineBusySeconds(): number | undefined {
  try {
    const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
