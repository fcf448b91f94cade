// Is a process still there, and which processes did it start: for "its oras died with it".
import { readdirSync, readFileSync } from 'node:fs';

/** True while `pid` exists (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** PIDs whose parent is `ppid`, from /proc (the child oras of a ghcr-blob run). */
export function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === ppid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
