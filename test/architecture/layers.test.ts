import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/processes.ts';
import { importCycles, importGraph } from './import-graph.ts';

/**
 * The layers, lowest first, and what each may import. `gateway/app/` is the one
 * composition root: it alone sees every layer. Tests and benches may import anything;
 * nothing imports them.
 */
const LAYERS: ReadonlyArray<{ readonly layer: string; readonly mayImport: readonly string[] }> = [
  { layer: 'schema/', mayImport: ['schema/'] },
  { layer: 'core/', mayImport: ['schema/', 'core/'] },
  { layer: 'prisma/', mayImport: ['schema/', 'core/', 'prisma/'] },
  { layer: 'subgraphs/', mayImport: ['schema/', 'core/', 'prisma/', 'subgraphs/'] },
  { layer: 'gateway/app/', mayImport: ['schema/', 'core/', 'prisma/', 'subgraphs/', 'gateway/', 'rest-bridge/'] },
  { layer: 'gateway/', mayImport: ['schema/', 'core/', 'prisma/', 'gateway/'] },
  { layer: 'rest-bridge/', mayImport: ['schema/', 'core/', 'prisma/', 'gateway/', 'rest-bridge/'] },
];

const layerOf = (file: string) => LAYERS.find(({ layer }) => file.startsWith(layer));

describe('source layers', () => {
  const graph = importGraph();

  it('finds the source files', () => {
    expect(graph.size).toBeGreaterThan(200);
    for (const file of graph.keys()) expect(layerOf(file), file).toBeDefined();
  });

  it('imports only downward (or within a layer), and gateway/ only reaches gateway/app/ from inside it', () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      const own = layerOf(file)!;
      for (const target of targets) {
        const allowed = own.mayImport.some((prefix) => target.startsWith(prefix));
        const intoRoot = target.startsWith('gateway/app/') && own.layer !== 'gateway/app/';
        if (!allowed || intoRoot) upward.push(`${file} -> ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('has no import cycles', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('keeps every hand-written source file under 300 lines', () => {
    const long = [...graph.keys()]
      .map((file) => ({ file, lines: readFileSync(join(ROOT, file), 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > 300);
    expect(long).toEqual([]);
  });
});

describe('the direction check itself', () => {
  it('reports a cycle', () => {
    const cycles = importCycles(new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]));
    expect(cycles).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });
});
