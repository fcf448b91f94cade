// Peak resident memory of a WHOLE process tree: the measured process and everything it starts
// (ghcr-blob's Node plus its oras and cosign; or a raw oras). Every ~20 ms the tree is walked
// afresh and the VmRSS of its members summed; the largest sum seen is the peak.
//
// Limits, stated rather than hidden: VmRSS counts shared library pages once per process, so a
// sum slightly overstates; a child living less than one interval may be missed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** The kernel lists a thread's children in /proc/P/task/T/children (CONFIG_PROC_CHILDREN). */
const HAS_CHILDREN_FILES = existsSync(`/proc/${process.pid}/task/${process.pid}/children`);

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined; // the process ended between listing and reading
  }
}

function childrenOf(pid: number): number[] {
  const tasks = (() => {
    try {
      return readdirSync(`/proc/${pid}/task`);
    } catch {
      return [];
    }
  })();
  return tasks.flatMap((tid) =>
    (read(`/proc/${pid}/task/${tid}/children`) ?? '').split(' ').filter(Boolean).map(Number),
  );
}

/** Fallback without children files: one pass over /proc/[0-9]*\/stat for every parent link. */
function parentLinks(): Map<number, number[]> {
  const byParent = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = read(`/proc/${name}/stat`);
    // Field 4 is the parent; the command name (field 2) may hold spaces and parentheses.
    const ppid = Number(stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!Number.isInteger(ppid)) continue;
    byParent.set(ppid, [...(byParent.get(ppid) ?? []), Number(name)]);
  }
  return byParent;
}

export function treeOf(root: number): number[] {
  const links = HAS_CHILDREN_FILES ? undefined : parentLinks();
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    const pid = tree[i] as number;
    tree.push(...(links ? (links.get(pid) ?? []) : childrenOf(pid)));
  }
  return tree;
}

function rssBytes(pid: number): number {
  const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(read(`/proc/${pid}/status`) ?? '')?.[1];
  return kib ? Number(kib) * 1024 : 0;
}

export interface TreeRssSampler {
  /** Stops sampling; returns the largest tree total seen, in bytes. */
  stop(): number;
}

export function sampleTreeRss(root: number, intervalMs = 20): TreeRssSampler {
  let peak = 0;
  const sample = (): void => {
    const total = treeOf(root).reduce((sum, pid) => sum + rssBytes(pid), 0);
    if (total > peak) peak = total;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}
