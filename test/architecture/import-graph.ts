import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { ROOT } from '../support/processes.ts';

/** The folders of hand-written source, as the README's "Where things are" lists them. */
export const SOURCE_FOLDERS = ['schema', 'core', 'prisma', 'subgraphs', 'gateway', 'rest-bridge'] as const;

const SKIPPED = new Set(['node_modules', 'generated', 'migrations']);
const SPECIFIER = /(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)|^import\s+['"](\.{1,2}\/[^'"]+)['"]/gm;

function walk(folder: string, files: string[]): void {
  for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED.has(entry.name)) walk(path, files);
    } else if (entry.name.endsWith('.ts')) {
      files.push(path);
    }
  }
}

/** Every source file (repo-relative) with the repo-relative files it imports. */
export function importGraph(folders: readonly string[] = SOURCE_FOLDERS): Map<string, string[]> {
  const files: string[] = [];
  for (const folder of folders) walk(folder, files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const targets: string[] = [];
    for (const match of text.matchAll(SPECIFIER)) {
      const specifier = match[1] ?? match[2] ?? match[3];
      if (specifier) targets.push(relative(ROOT, normalize(join(ROOT, dirname(file), specifier))));
    }
    graph.set(file, targets);
  }
  return graph;
}

/** The import cycles among the graph's files (Tarjan's strongly connected components of two or more files). */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const lowLinks = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    indices.set(file, index);
    lowLinks.set(file, index);
    index += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (!indices.has(target)) {
        visit(target);
        lowLinks.set(file, Math.min(lowLinks.get(file)!, lowLinks.get(target)!));
      } else if (onStack.has(target)) {
        lowLinks.set(file, Math.min(lowLinks.get(file)!, indices.get(target)!));
      }
    }
    if (lowLinks.get(file) === indices.get(file)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!indices.has(file)) visit(file);
  return cycles;
}
