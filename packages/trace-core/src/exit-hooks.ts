import { clearTimeoutReal, setTimeoutReal } from './export/clock';
import { log, reportFault } from './logger';

/**
 * The one owner of flushing at exit: the only code that hooks `beforeExit`, `exit`, SIGTERM and SIGINT. Core's tracer
 * (under `flushOnExit`) and a reporter created on its own (`createReporter()`, unless `flushOnExit: false`) register
 * here; nothing is sent at exit for what is not registered.
 *
 * At natural exit (`beforeExit`) and on a signal, each target with pending spans is flushed (bounded by its timeout);
 * at `exit` (`process.exit()`, which leaves no event-loop turn) each target sends what it can synchronously. A signal
 * keeps what it does: a process with no handler of its own still dies of it (re-raised after the flush, same exit
 * status); a process with its own handler keeps control.
 */
export interface ExitFlushable {
  hasPending(): boolean;
  flush(): Promise<void>;
  /** At `exit`: send what can be sent before returning. */
  sendPendingNow?(): void;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
/** Registered targets and how long a flush of each may take. */
const targets = new Map<ExitFlushable, number>();
let installed = false;

/** Flush `target` at exit (again: with a new timeout). Returns the function that unregisters it. */
export function flushAtExit(target: ExitFlushable, timeoutMs: number): () => void {
  targets.set(target, timeoutMs);
  if (!installed) {
    installed = true;
    process.on('beforeExit', onBeforeExit);
    process.on('exit', onExit);
    for (const signal of SIGNALS) process.on(signal, onSignal);
  }
  return () => {
    targets.delete(target);
  };
}

function onBeforeExit(): void {
  // Flushing schedules network work, which makes 'beforeExit' fire again once it is done: stop when nothing is left.
  for (const [target, timeoutMs] of targets) if (target.hasPending()) void flushWithin(target, timeoutMs);
}

function onExit(): void {
  for (const target of targets.keys()) {
    try {
      target.sendPendingNow?.();
    } catch (error) {
      reportFault('exit send', error);
    }
  }
}

function flushWithin(target: ExitFlushable, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeoutReal(resolve, timeoutMs);
    timer.unref();
    target
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
  const flushes = [...targets].map(([target, timeoutMs]) => flushWithin(target, timeoutMs));
  void Promise.all(flushes).then(() => {
    if (appHandlesIt) return;
    log.debug(`${signal}: spans flushed, re-raising the signal`);
    process.removeListener(signal, onSignal);
    process.kill(process.pid, signal);
  });
}
