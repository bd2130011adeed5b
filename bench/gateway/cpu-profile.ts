// Reads a V8 `.cpuprofile` (what `node --cpu-prof` writes) and sums where the time went.
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds, on the same monotonic clock as `process.hrtime`. */
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionCost {
  /** `name (file:line)`, the line 1-based. */
  readonly name: string;
  readonly group: string;
  readonly ms: number;
  /** Share of the busy (non-idle) time in the window. */
  readonly percent: number;
}

export interface ProfileSummary {
  /** Busy time in the window (samples that were not `(idle)`). */
  readonly busyMs: number;
  readonly idleMs: number;
  readonly windowMs: number;
  /** False when the load window could not be matched to the samples and all of them were used. */
  readonly windowed: boolean;
  readonly topSelf: FunctionCost[];
  /** Inclusive time of Switchyard's own functions (apps/ and packages/), callers included. */
  readonly topInclusive: FunctionCost[];
  /** Self time by package or runtime area. */
  readonly byGroup: { group: string; ms: number; percent: number }[];
}

/** Names a script by the package it belongs to (the workspace's packages, node_modules, node). */
export function groupOf(url: string, functionName: string): string {
  if (url === '') {
    if (functionName.startsWith('(')) return functionName;
    return '(native)';
  }
  if (url.startsWith('node:')) return 'node:' + (url.slice(5).split('/')[1] ?? url.slice(5));
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pnpm) return pnpm[1]!;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (nm) return nm[1]!;
  const workspace = /\/(packages\/adapters\/[^/]+|packages\/[^/]+|apps\/[^/]+)\//.exec(url);
  if (workspace) return workspace[1]!;
  return url;
}

function shortUrl(url: string): string {
  return url
    .replace(/^file:\/\//, '')
    .replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
    .replace(/^.*?\/(packages|apps)\//, '$1/');
}

function label(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  return `${name} (${shortUrl(frame.url)}:${frame.lineNumber + 1})`;
}

/**
 * Self time per function (summed over every node of the same function, file and line) and
 * inclusive time of the workspace's functions, for samples inside `[fromUs, toUs]` of the
 * monotonic clock (the load window), or all samples when the window matches none.
 */
export function summarizeProfile(
  path: string,
  window?: { fromUs: number; toUs: number },
  top = 15,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  // Sample i was taken at startTime + sum(timeDeltas[0..i]); it stands for the time until the next.
  const times: number[] = [];
  let t = profile.startTime;
  for (const delta of profile.timeDeltas) {
    t += delta;
    times.push(t);
  }
  const inWindow = (i: number) => !window || (times[i]! >= window.fromUs && times[i]! <= window.toUs);
  const windowed = window !== undefined && profile.samples.some((_, i) => inWindow(i));
  const self = new Map<string, { frame: CallFrame; ms: number }>();
  const inclusive = new Map<string, { frame: CallFrame; ms: number }>();
  let busyUs = 0;
  let idleUs = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    if (windowed && !inWindow(i)) continue;
    const next = i + 1 < times.length ? times[i + 1]! : profile.endTime;
    const us = Math.max(0, next - times[i]!);
    first = Math.min(first, times[i]!);
    last = Math.max(last, next);
    const node = byId.get(profile.samples[i]!);
    if (!node) continue;
    const key = label(node.callFrame);
    if (node.callFrame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    busyUs += us;
    const entry = self.get(key) ?? { frame: node.callFrame, ms: 0 };
    entry.ms += us / 1000;
    self.set(key, entry);
    // Inclusive: once per distinct function on the stack.
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!.callFrame;
      if (!/\/(packages|apps)\//.test(frame.url) || frame.url.includes('node_modules')) continue;
      const k = label(frame);
      if (seen.has(k)) continue;
      seen.add(k);
      const e = inclusive.get(k) ?? { frame, ms: 0 };
      e.ms += us / 1000;
      inclusive.set(k, e);
    }
  }
  const busyMs = busyUs / 1000;
  const cost = ([name, { frame, ms }]: [string, { frame: CallFrame; ms: number }]): FunctionCost => ({
    name,
    group: groupOf(frame.url, frame.functionName),
    ms,
    percent: busyMs > 0 ? (ms / busyMs) * 100 : 0,
  });
  const groups = new Map<string, number>();
  for (const [, { frame, ms }] of self) {
    const group = groupOf(frame.url, frame.functionName);
    groups.set(group, (groups.get(group) ?? 0) + ms);
  }
  return {
    busyMs,
    idleMs: idleUs / 1000,
    windowMs: Number.isFinite(first) ? (last - first) / 1000 : 0,
    windowed,
    topSelf: [...self]
      .map(cost)
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top),
    topInclusive: [...inclusive]
      .map(cost)
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top),
    byGroup: [...groups]
      .map(([group, ms]) => ({ group, ms, percent: busyMs > 0 ? (ms / busyMs) * 100 : 0 }))
      .sort((a, b) => b.ms - a.ms),
  };
}
