// Reads a running Node process from the inside without any endpoint of ours:
// SIGUSR1 opens Node's inspector (on the port NODE_OPTIONS=--inspect-port=0
// picks), and one Runtime.evaluate returns a JSON value.
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

/** argv of a process, from /proc. */
export function procCmdline(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== '');
}

export function procEnviron(pid: number): Record<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter((entry) => entry.includes('='));
  return Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

/** Every process below `pid` (children first), from /proc. */
export function procDescendants(pid: number): number[] {
  let children: number[] = [];
  try {
    for (const task of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)) {
      if (task !== '') children.push(Number(task));
    }
  } catch {
    return [];
  }
  for (const child of [...children]) children = children.concat(procDescendants(child));
  return children;
}

/**
 * Opens the inspector of `pid` and evaluates `expression` (which must produce a
 * JSON-serialisable value; `require` is available). `output` must return what
 * the process has printed so far, where Node announces the inspector's URL.
 */
export async function evaluateInProcess(pid: number, output: () => string, expression: string, timeoutMs = 10_000): Promise<unknown> {
  process.kill(pid, 'SIGUSR1');
  const deadline = Date.now() + timeoutMs;
  let url: string | undefined;
  while (!(url = /Debugger listening on (ws:\/\/\S+)/.exec(output())?.[1])) {
    if (Date.now() > deadline) throw new Error(`no inspector URL within ${timeoutMs} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const socket = new WebSocket(url);
  try {
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const answer = new Promise<{ result?: { result?: { value?: unknown }; exceptionDetails?: unknown } }>((resolve) =>
      socket.once('message', (data) => resolve(JSON.parse(String(data)))),
    );
    socket.send(JSON.stringify({ id: 1, method: 'Runtime.evaluate', params: { expression, includeCommandLineAPI: true, returnByValue: true } }));
    const { result } = await answer;
    if (result?.exceptionDetails) throw new Error(`evaluation failed: ${JSON.stringify(result.exceptionDetails)}`);
    return result?.result?.value;
  } finally {
    socket.close();
  }
}
