/**
 * Where a profile of one phase went, as text: for a V8 CPU profile (.cpuprofile) the self time,
 * for a sampled allocation profile (.heapprofile) the bytes allocated, each by package or source
 * folder and by function, so that a slow fan-out points at code.
 */
import { readFile } from 'node:fs/promises';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  samples: number[];
  timeDeltas: number[];
}
interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  children: HeapNode[];
}

/** node_modules/<package> or a repo folder (gateway/src/subscriptions), from a frame's URL. */
function placeOf(url: string): string {
  if (!url) return '(native / V8)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  if (url.startsWith('node:')) return url;
  const repo = /\/(gateway|events|compose|subgraphs)\/(.*)\/[^/]+$/.exec(url);
  return repo ? `${repo[1]}/${repo[2]}` : url;
}

function functionOf(frame: CallFrame): string {
  const url = frame.url.replace(/^file:\/\//, '').replace(/^.*?node_modules\//, '').replace(/^.*?\/(gateway|events|compose|subgraphs)\//, '$1/');
  return `${frame.functionName || '(anonymous)'}  ${url}${url ? `:${frame.lineNumber + 1}` : ''}`;
}

/** The two rankings (by place, by function) of `amounts` per frame, as percentages of their sum. */
function rankings(amounts: [CallFrame, number][], top: number): string[] {
  const byPlace = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const [frame, amount] of amounts) {
    total += amount;
    byPlace.set(placeOf(frame.url), (byPlace.get(placeOf(frame.url)) ?? 0) + amount);
    byFunction.set(functionOf(frame), (byFunction.get(functionOf(frame)) ?? 0) + amount);
  }
  const rank = (map: Map<string, number>, n: number) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, amount]) => `  ${((amount / total) * 100).toFixed(1).padStart(5)} %  ${name}`);
  return ['by package / folder:', ...rank(byPlace, 12), `top ${top} functions:`, ...rank(byFunction, top)];
}

export async function summarizeCpuProfile(file: string, top = 20): Promise<string> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const amounts = [...selfUs].map(([id, us]) => [frames.get(id)!, us] as [CallFrame, number]);
  const busy = amounts.filter(([frame]) => frame.functionName !== '(idle)' && frame.functionName !== '(program)');
  const busyMs = busy.reduce((sum, [, us]) => sum + us, 0) / 1000;
  const totalMs = amounts.reduce((sum, [, us]) => sum + us, 0) / 1000;
  return [`CPU: ${busyMs.toFixed(0)} ms busy of ${totalMs.toFixed(0)} ms profiled, self time (${file})`, ...rankings(busy, top)].join('\n');
}

export async function summarizeHeapProfile(file: string, events: number, top = 15): Promise<string> {
  const { head } = JSON.parse(await readFile(file, 'utf8')) as { head: HeapNode };
  const amounts: [CallFrame, number][] = [];
  const pending = [head];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.selfSize > 0) amounts.push([node.callFrame, node.selfSize]);
    pending.push(...node.children);
  }
  const totalMb = amounts.reduce((sum, [, bytes]) => sum + bytes, 0) / 2 ** 20;
  return [`allocations: ${totalMb.toFixed(0)} MB sampled, ${(totalMb / events).toFixed(1)} MB per event (${file})`, ...rankings(amounts, top)].join('\n');
}
