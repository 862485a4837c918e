import type { LoadResult } from './wrk.ts';

/** The bare Apollo Gateway every ratio is taken against, another project's gateway, or ours. */
export type Role = 'baseline' | 'peer' | 'ours';

/** One measured run of one gateway. */
export interface Row {
  readonly contender: string;
  readonly role: Role;
  readonly round: number;
  readonly load: LoadResult;
  readonly rps: number;
  /** Fetches one operation makes with nothing else in flight (the query plan's size). */
  readonly fetchesAlone: number;
  readonly peakRssMiB: number;
  readonly fetchesPerOperation: number;
  readonly gatewayCpuPercent: number;
  /** Less sensitive than req/s to other work on a shared machine. */
  readonly gatewayCpuMsPerOperation: number;
  /** Share of the run its main thread was runnable but waiting for the core (other work on it). */
  readonly gatewayRunQueuePercent: number;
  /** The four subgraphs together, on the other core (100% = that whole core). */
  readonly subgraphCpuPercent: number;
}

/**
 * Prints the runs as a Markdown table, then each of our gateways' throughput
 * ratio and p99 against the first contender (the baseline), as means of rounds.
 * Returns false when any response was wrong, so the figures do not count.
 */
export function printReport(header: string, rows: readonly Row[]): boolean {
  const ms = (us: number) => (us / 1000).toFixed(1);
  console.log(`\n${header}\n`);
  console.log('| gateway | round | requests | req/s | p50 (ms) | p99 (ms) | peak RSS (MiB) | subgraph fetches / op alone, under load | gateway CPU, waiting for CPU | gateway CPU ms / op | subgraphs CPU | wrong responses |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  let correct = true;
  for (const row of rows) {
    const wrong = row.load.wrongBody + row.load.wrongStatus + row.load.socketErrors;
    if (wrong > 0) correct = false;
    console.log(
      `| ${row.contender} | ${row.round} | ${row.load.requests} | ${Math.round(row.rps)} | ${ms(row.load.p50Us)} | ${ms(row.load.p99Us)} | ${row.peakRssMiB} | ${row.fetchesAlone}, ${row.fetchesPerOperation.toFixed(2)} | ${Math.round(row.gatewayCpuPercent)}%, ${Math.round(row.gatewayRunQueuePercent)}% | ${row.gatewayCpuMsPerOperation.toFixed(2)} | ${Math.round(row.subgraphCpuPercent)}% | ${wrong} |`,
    );
  }
  const mean = (name: string, pick: (row: Row) => number) => {
    const mine = rows.filter((row) => row.contender === name);
    return mine.reduce((sum, row) => sum + pick(row), 0) / Math.max(1, mine.length);
  };
  const names = (role: Role) => [...new Set(rows.filter((row) => row.role === role).map((row) => row.contender))];
  const compare = (name: string, against: string) => {
    const ratio = mean(name, (row) => row.rps) / mean(against, (row) => row.rps);
    const p99 = mean(name, (row) => row.load.p99Us) / mean(against, (row) => row.load.p99Us);
    return `${ratio.toFixed(2)}x the throughput of ${against}, p99 ${ms(mean(name, (row) => row.load.p99Us))} vs ${ms(mean(against, (row) => row.load.p99Us))} ms (${p99.toFixed(2)}x)`;
  };
  const [baseline] = names('baseline');
  if (baseline) {
    console.log('\nRatios (means of rounds):');
    for (const name of [...names('peer'), ...names('ours')]) console.log(`- ${name}: ${compare(name, baseline)}`);
    for (const name of names('ours')) for (const peer of names('peer')) console.log(`- ${name}: ${compare(name, peer)}`);
  }
  return correct;
}
