/**
 * Spanwise's own diagnostics. Tracing faults are reported here, never thrown into the app,
 * and each distinct problem is said once (`warnOnce`/`errorOnce`) so a hot path cannot flood logs.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
export const LOG_LEVELS = Object.keys(LEVELS) as LogLevel[];

let threshold = LEVELS.warn;
let sink: Logger = consoleSink();
const said = new Set<string>();

function consoleSink(): Logger {
  const write = (level: string) => (message: string) => process.stderr.write(`[spanwise] ${level}: ${message}\n`);
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

export function isLogLevel(value: string): value is LogLevel {
  return Object.prototype.hasOwnProperty.call(LEVELS, value);
}

export function setLogLevel(level: LogLevel): void {
  threshold = LEVELS[level];
}

/** Route Spanwise diagnostics to the app's logger (anything with debug/info/warn/error). */
export function setLogger(logger: Logger | undefined): void {
  sink = logger ?? consoleSink();
}

function emit(level: Exclude<LogLevel, 'silent'>, message: string): void {
  if (LEVELS[level] < threshold) return;
  try {
    sink[level](message);
  } catch {
    // a broken logger must not break the app either
  }
}

export const log = {
  isDebugEnabled: () => threshold <= LEVELS.debug,
  debug: (message: string) => emit('debug', message),
  info: (message: string) => emit('info', message),
  warn: (message: string) => emit('warn', message),
  error: (message: string) => emit('error', message),
};

/** Log `message` the first time `key` is seen in this process. */
export function warnOnce(key: string, message: string): void {
  if (said.has(key)) return;
  said.add(key);
  emit('warn', message);
}

/** Report a fault in tracing code once per `where`, with the error's message. */
export function reportFault(where: string, error: unknown): void {
  const key = `fault:${where}`;
  if (said.has(key)) return;
  said.add(key);
  const detail = error instanceof Error ? error.stack ?? error.message : String(error);
  emit('error', `tracing fault in ${where} (the app was not affected; further faults here are not logged): ${detail}`);
}
