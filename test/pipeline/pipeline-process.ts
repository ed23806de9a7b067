import { type ChildProcess } from 'node:child_process';
import { startCli } from '../cli/cli-process.js';

/** Starts `weir pipeline -f file --resume -q` as a child process, collecting its stderr. */
export function startPipeline(file: string): { child: ChildProcess; exited: Promise<void>; stderr: () => string } {
  const child = startCli(['pipeline', '-f', file, '--resume', '-q']);
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  child.stdout!.resume();
  return { child, exited: new Promise((r) => child.once('exit', () => r())), stderr: () => err };
}
