/**
 * Start a process that prints `LISTENING <port>` once it serves (every test-app does), and wait for that line.
 * Shared by the tests (startApp), scripts/demo.js and bench/run.js; plain JS requires the build output
 * `test-support/dist/processes.js`.
 */
import { spawn, type ChildProcess } from 'child_process';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ListeningProcess {
  /** The port from the `LISTENING <port>` line. */
  port: number;
  /** `http://127.0.0.1:PORT` */
  url: string;
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<ProcessExit>;
  /** Sends `signal` (default SIGTERM) unless the process already exited, and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<ProcessExit>;
}

export interface SpawnListeningOptions {
  /** The whole environment of the process (nothing is inherited that is not in it). */
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** How long to wait for the LISTENING line (default 15000); then the process is killed and the promise rejects. */
  timeoutMs?: number;
  /** Names the process in errors (default: the command and its last argument). */
  name?: string;
}

const LISTENING = /LISTENING (\d+)/;

/**
 * `spawn(command, args)` and resolve once its stdout has a `LISTENING <port>` line. Rejects with everything the
 * process printed if it exits first, cannot be started, or does not listen within `timeoutMs` (it is then killed).
 */
export function spawnListening(command: string, args: readonly string[], options: SpawnListeningOptions): Promise<ListeningProcess> {
  const name = options.name ?? `${command} ${args[args.length - 1] ?? ''}`.trim();
  const timeoutMs = options.timeoutMs ?? 15000;
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<ProcessExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not print LISTENING within ${timeoutMs} ms. Output:\n${out}`));
    }, timeoutMs);
    const onData = () => {
      const match = LISTENING.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      const port = Number(match[1]);
      resolve({ port, url: `http://127.0.0.1:${port}`, child, output: () => out, exited, stop: (signal = 'SIGTERM') => stopProcess(child, exited, signal) });
    };
    child.stdout.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${name} could not be started: ${error.message}`));
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (code ${code}, signal ${signal}) before listening. Output:\n${out}`));
    });
  });
}

function stopProcess(child: ChildProcess, exited: Promise<ProcessExit>, signal: NodeJS.Signals): Promise<ProcessExit> {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  return exited;
}
