/**
 * The top self-time functions of a V8 `.cpuprofile` (from `node --cpu-prof`), as a
 * Markdown table: `tsx bench/cpu-profile-top.ts <file.cpuprofile> [rows]`.
 * Self time is the samples whose top frame is the function; one row per
 * function name and location, so a function inlined in many callers counts once.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file, rowsArgument] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx bench/cpu-profile-top.ts <file.cpuprofile> [rows]');
  process.exit(2);
}
const rows = Number(rowsArgument ?? 20);
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

const labelOf = new Map<number, string>();
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${relative(process.cwd(), url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
  labelOf.set(node.id, `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`);
}

const selfMicros = new Map<string, number>();
let totalMicros = 0;
profile.samples.forEach((nodeId, index) => {
  // timeDeltas[i] is the time before sample i; it is charged to sample i.
  const micros = profile.timeDeltas[index] ?? 0;
  totalMicros += micros;
  const label = labelOf.get(nodeId) ?? '?';
  selfMicros.set(label, (selfMicros.get(label) ?? 0) + micros);
});

const busyMicros = totalMicros - (selfMicros.get('(idle)') ?? 0);
console.log(`${(totalMicros / 1000).toFixed(0)} ms profiled, ${(busyMicros / 1000).toFixed(0)} ms not idle`);
console.log('| self ms | % of not idle | function |');
console.log('|---:|---:|---|');
for (const [label, micros] of [...selfMicros].filter(([label]) => label !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, rows)) {
  console.log(`| ${(micros / 1000).toFixed(0)} | ${((100 * micros) / busyMicros).toFixed(1)} | \`${label.replaceAll('|', '\\|')}\` |`);
}
