import { log } from './logger';

/**
 * Functions the app hands to Spanwise (requestHook, responseHook, operationName, statement formatters, ignore
 * predicates) run guarded: a throw costs only what the hook would have added, never the span nor the app's call,
 * and is logged once per package and option, naming both.
 */

/**
 * Call `hook(...args)`; if it throws, log `spanwise: option <option> of <owner> threw: <message>` once and return
 * undefined. `owner` is the package whose option it is (`@spanwise/trace-express`).
 */
export function callUserHook<A extends unknown[], R>(owner: string, option: string, hook: (...args: A) => R, ...args: A): R | undefined {
  try {
    return hook(...args);
  } catch (error) {
    reportHookFault(owner, option, error);
    return undefined;
  }
}

const reported = new Set<string>();

/** Log a user hook's throw once per owner and option (for callers that guard a hook themselves). */
export function reportHookFault(owner: string, option: string, error: unknown): void {
  const key = `${owner}:${option}`;
  if (reported.has(key)) return;
  reported.add(key);
  log.error(`spanwise: option ${option} of ${owner} threw (ignored: the span and the app's call go on; further throws of ${owner} ${option} are not logged): ${describe(error)}`);
}

function describe(error: unknown): string {
  try {
    return error instanceof Error ? error.stack ?? error.message : String(error);
  } catch {
    return '[unprintable]';
  }
}
