/**
 * Top self-time functions of a `--cpu-prof` profile, as a Markdown table.
 *
 *   node bench/profile-top.mjs FILE.cpuprofile [N] [MARKER]
 *
 * With MARKER (a regular expression over "functionName url"), only a window of
 * the profile counts: the largest cluster of samples whose stack passes through
 * a matching frame (gaps under 1.5 s), plus the second after it. For the
 * subscription bench, '^push .*event-hub' picks the fan-out round of the
 * 10 000 subscribers and leaves out start-up and the opening of connections.
 */
import { readFileSync } from 'node:fs';

const [file, limitArg, marker] = process.argv.slice(2);
if (!file) throw new Error('usage: node bench/profile-top.mjs FILE.cpuprofile [N] [MARKER]');
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
let elapsed = 0;
const times = profile.samples.map((_, index) => (elapsed += profile.timeDeltas[index] ?? 0));

let first = 0;
let last = profile.samples.length - 1;
if (marker) {
  const pattern = new RegExp(marker);
  const marked = new Map();
  const isMarked = (id) => {
    if (!marked.has(id)) {
      const frame = byId.get(id).callFrame;
      marked.set(id, pattern.test(`${frame.functionName} ${frame.url}`) || (parentOf.has(id) && isMarked(parentOf.get(id))));
    }
    return marked.get(id);
  };
  const hits = [];
  profile.samples.forEach((sample, index) => isMarked(sample) && hits.push(index));
  if (hits.length === 0) throw new Error(`no sample passes through ${marker}`);
  let best = [0, 0];
  let start = 0;
  for (let k = 1; k <= hits.length; k += 1) {
    if (k === hits.length || times[hits[k]] - times[hits[k - 1]] > 1.5e6) {
      if (k - start > best[1] - best[0]) best = [start, k];
      start = k;
    }
  }
  first = hits[best[0]];
  last = hits[best[1] - 1];
  const end = times[last] + 1e6;
  while (last + 1 < times.length && times[last + 1] < end) last += 1;
}

const self = new Map();
let busy = 0;
for (let index = first; index <= last; index += 1) {
  const frame = byId.get(profile.samples[index]).callFrame;
  if (frame.functionName === '(idle)') continue;
  const delta = profile.timeDeltas[index] ?? 0;
  busy += delta;
  const where = frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(gateway|core|subgraphs|schema|prisma|rest-bridge)\//, '$1/');
  const key = `${frame.functionName || '(anonymous)'} ${where}${where ? `:${frame.lineNumber + 1}` : ''}`;
  self.set(key, (self.get(key) ?? 0) + delta);
}
console.log(`window ${((times[last] - times[first]) / 1e6).toFixed(1)} s, busy (not idle) ${(busy / 1000).toFixed(0)} ms\n`);
console.log('| self (ms) | % of busy | function |\n|---:|---:|---|');
for (const [key, time] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(limitArg ?? 20))) {
  console.log(`| ${(time / 1000).toFixed(0)} | ${((100 * time) / busy).toFixed(1)} | \`${key}\` |`);
}
