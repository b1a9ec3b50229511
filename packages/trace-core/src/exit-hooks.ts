import { clearTimeoutReal, setTimeoutReal } from './export/clock';
import { log, reportFault } from './logger';

/**
 * Flush at natural exit and on SIGTERM/SIGINT without changing what the signal does: a process with no
 * handler of its own still dies of the signal (same exit status); a process with its own handler keeps control.
 */
export interface Flushable {
  hasPending(): boolean;
  flush(): Promise<void>;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
let installed: { target: Flushable; timeoutMs: number } | undefined;

export function installExitHooks(target: Flushable, timeoutMs: number): void {
  const first = installed === undefined;
  installed = { target, timeoutMs };
  if (!first) return;
  process.on('beforeExit', onBeforeExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function onBeforeExit(): void {
  // Flushing schedules network work, which makes 'beforeExit' fire again once it is done: stop when nothing is left.
  if (installed?.target.hasPending()) void flushWithin(installed.timeoutMs);
}

function flushWithin(timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeoutReal(resolve, timeoutMs);
    timer.unref();
    installed!.target
      .flush()
      .catch((error) => reportFault('exit flush', error))
      .finally(() => {
        clearTimeoutReal(timer);
        resolve();
      });
  });
}

function onSignal(signal: NodeJS.Signals): void {
  const appHandlesIt = process.listenerCount(signal) > 1;
  void flushWithin(installed?.timeoutMs ?? 2000).then(() => {
    if (appHandlesIt) return;
    log.debug(`${signal}: spans flushed, re-raising the signal`);
    process.removeListener(signal, onSignal);
    process.kill(process.pid, signal);
  });
}
