// The command `npm start` serves with, read from package.json so tests and
// benches run exactly what users run (the entry point's path lives only there).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './processes.ts';

export interface ServeCommand {
  /** Node's own flags, e.g. `--enable-source-maps`. */
  readonly nodeArgs: string[];
  /** The compiled entry point, relative to the repository root. */
  readonly entry: string;
}

function scripts(): Record<string, string> {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
}

/** The last `node …` step of a package.json script (the one before it builds dist/ when stale). */
export function serveCommand(script: 'start' | 'subgraph' = 'start'): ServeCommand {
  const text = scripts()[script];
  const last = text?.split('&&').at(-1)?.trim().split(/\s+/) ?? [];
  const [program, ...args] = last;
  const entry = args.at(-1);
  if (program !== 'node' || entry === undefined || !entry.endsWith('.js')) {
    throw new Error(`package.json "${script}" does not end with 'node … <entry>.js': ${text}`);
  }
  return { nodeArgs: args.slice(0, -1), entry };
}
