// Leak scanner loop, run as its own process by proc-scanner.ts so it keeps sampling /proc while
// the test process is blocked awaiting other work. Plain JS so `node` starts it in ~40 ms.
//
// Protocol (all over pipes, never argv/env — the scanner must not be a sighting itself):
//   stdin line 1: the secret, base64-encoded (the encoded form is not the secret).
//   stdout: "ready\n" once the first full scan has finished;
//   for each "sync\n" on stdin: "synced\n" once a full scan that began after it has finished;
//   after stdin receives "stop\n" (or EOF): one JSON line with the report, and exit.
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

const self = String(process.pid);
/** @type {Map<string, {pid: number, where: 'cmdline' | 'environ', comm: string}>} */
const sightings = new Map();
/** Distinct (pid, comm) pairs read, so a test can prove the scanner saw the process it cares about. */
const seen = new Map();
let scans = 0;
let stopping = false;
let syncsAsked = 0;
let syncsAnswered = 0;

function tryRead(path) {
  try {
    return readFileSync(path);
  } catch {
    return undefined; // process gone, or not ours (EACCES): neither is a finding
  }
}

function scanOnce(secret) {
  for (const pid of readdirSync('/proc')) {
    if (pid === self || !/^\d+$/.test(pid)) continue;
    for (const where of /** @type {const} */ (['cmdline', 'environ'])) {
      const bytes = tryRead(`/proc/${pid}/${where}`);
      if (bytes === undefined) continue;
      if (!seen.has(pid)) seen.set(pid, (tryRead(`/proc/${pid}/comm`)?.toString('utf8') ?? '?').trim());
      if (bytes.includes(secret) && !sightings.has(`${pid}/${where}`)) {
        sightings.set(`${pid}/${where}`, { pid: Number(pid), where, comm: seen.get(pid) });
      }
    }
  }
  scans += 1;
}

const lines = createInterface({ input: process.stdin });
/** @type {Buffer | undefined} */
let secret;
lines.on('line', (line) => {
  if (secret === undefined) {
    secret = Buffer.from(line, 'base64');
    if (secret.length === 0) throw new Error('proc-scanner: empty secret');
    void loop(secret);
  } else if (line === 'stop') {
    stopping = true;
  } else if (line === 'sync') {
    syncsAsked += 1;
  }
});
lines.on('close', () => {
  stopping = true;
});

async function loop(needle) {
  scanOnce(needle);
  process.stdout.write('ready\n');
  while (!stopping) {
    // Yield so the stdin "stop" and "sync" lines are noticed; otherwise scan back to back.
    await yieldToEventLoop();
    const asked = syncsAsked;
    scanOnce(needle);
    for (; syncsAnswered < asked; syncsAnswered++) process.stdout.write('synced\n');
  }
  const comms = [...new Set(seen.values())].sort();
  process.stdout.write(
    `${JSON.stringify({ scans, sightings: [...sightings.values()], processesSeen: seen.size, commsSeen: comms })}\n`,
  );
  process.exit(0);
}
