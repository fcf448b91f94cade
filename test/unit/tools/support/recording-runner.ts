// A Runner that records every request and answers from a script: no process is started.
import type { RunRequest, RunResult, Runner } from '../../../../src/tools/exec.js';

export interface RecordingRunner {
  run: Runner;
  calls: RunRequest[];
}

export function recordingRunner(answer: (req: RunRequest) => Partial<RunResult> = () => ({})): RecordingRunner {
  const calls: RunRequest[] = [];
  const run: Runner = async (req) => {
    calls.push(req);
    return { exitCode: 0, stdout: '', stderr: '', ...answer(req) };
  };
  return { run, calls };
}
