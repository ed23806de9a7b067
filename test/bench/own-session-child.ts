// Run by own-session.test.ts: prints its autogroup before and after inOwnSession, in the caller and in the copy.
import { autogroup, inOwnSession } from '../../bench/cdc/priority.js';

const before = autogroup();
const code = await inOwnSession(Number(process.argv[2]));
if (code === undefined) {
  process.stdout.write(JSON.stringify({ copy: true, before, after: autogroup() }) + '\n');
  process.exitCode = 3;
} else process.stdout.write(JSON.stringify({ copy: false, code, after: autogroup() }) + '\n');
