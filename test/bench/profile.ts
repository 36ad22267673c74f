import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support/paths.js';

/** The parts of a V8 .cpuprofile that self time is computed from. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  /** Microseconds since the previous sample, one per sample. */
  timeDeltas: number[];
}

export interface Hotspot {
  function: string;
  /** File and line, relative to the repository; empty for V8's own entries. */
  where: string;
  /** app, bench, Node, a package name, GC or V8; native code counts for the JavaScript that called it. */
  origin: string;
  selfMs: number;
  /** Of the main thread's busy time. */
  share: number;
}

export interface ProfileSummary {
  file: string;
  /**
   * Sampled outside idle on the main thread. Blocked time counts too (waiting on a lock in
   * native code samples like running it), so this may exceed the CPU the process used.
   */
  busyMs: number;
  /** Share of busy time by origin, largest first. */
  byOrigin: Array<{ origin: string; share: number }>;
  top: Hotspot[];
}

/**
 * V8's own entries. "(program)" is native code no JavaScript called, such as the event
 * loop's own callbacks. Every other frame without a script is native code (Node's C++,
 * an addon) that JavaScript called.
 */
const PSEUDO: Record<string, string> = {
  '(garbage collector)': 'GC',
  '(idle)': 'idle',
  '(program)': 'outside JS',
  '(root)': 'V8',
};
/** Not the target's work: waiting, and the profiler handing over its profile. */
const UNCOUNTED = ['idle', 'profiler'];

function scriptOrigin(url: string): string {
  if (url === 'node:inspector') return 'profiler';
  if (url.startsWith('node:')) return 'Node';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  if (url.includes('/dist/app/')) return 'app';
  if (url.includes('/dist/test/')) return 'bench';
  return 'other';
}

function where(url: string, line: number): string {
  if (url === '') return '';
  const file = url.startsWith('file://') ? path.relative(repoRoot, new URL(url).pathname) : url;
  return `${file}:${line + 1}`;
}

/** Self time per function, the way DevTools' "bottom-up" view adds it up. */
export function summarize(file: string, top = 12): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  /** The nearest frame with a script: whose work a native function did. */
  const caller = (id: number): CpuProfile['nodes'][number] | undefined => {
    for (let at = parents.get(id); at !== undefined; at = parents.get(at)) {
      if (nodes.get(at)!.callFrame.url) return nodes.get(at);
    }
    return undefined;
  };
  const selfUs = new Map<number, number>();
  for (const [i, node] of profile.samples.entries()) selfUs.set(node, (selfUs.get(node) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const byFunction = new Map<string, Hotspot>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id);
    if (!us) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const from = url || PSEUDO[name] ? undefined : caller(node.id)?.callFrame;
    const key = `${name} ${url}:${lineNumber} ${from?.url}:${from?.lineNumber}`;
    const spot = byFunction.get(key) ?? {
      // V8 names an addon's functions after whichever of its classes it likes.
      function: from && !from.url.startsWith('node:') ? '(native)' : name,
      where: from ? `native, from ${where(from.url, from.lineNumber)}` : where(url, lineNumber),
      origin: url ? scriptOrigin(url) : (PSEUDO[name] ?? (from ? scriptOrigin(from.url) : 'V8')),
      selfMs: 0,
      share: 0,
    };
    spot.selfMs += us / 1000;
    byFunction.set(key, spot);
  }
  const busy = [...byFunction.values()].filter((s) => !UNCOUNTED.includes(s.origin));
  const busyMs = busy.reduce((sum, s) => sum + s.selfMs, 0);
  for (const spot of busy) spot.share = spot.selfMs / busyMs;
  const origins = new Map<string, number>();
  for (const spot of busy) origins.set(spot.origin, (origins.get(spot.origin) ?? 0) + spot.share);
  return {
    file,
    busyMs,
    byOrigin: [...origins].map(([name, share]) => ({ origin: name, share })).sort((a, b) => b.share - a.share),
    top: busy.sort((a, b) => b.selfMs - a.selfMs).slice(0, top),
  };
}
