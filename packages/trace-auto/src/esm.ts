import * as fs from 'fs';
import * as Module from 'module';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { log, reportFault, warnOnce } from '@spanwise/trace-core';

/**
 * ESM apps (`node --import @spanwise/trace-auto/register app.mjs`). `import` of a CommonJS package loads its
 * main file without `require()`, so require-in-the-middle never sees it (files the package itself requires
 * are still seen). import-in-the-middle's loader hook tells us when such a package is imported; then:
 * - its CommonJS exports, already in require.cache, are required once more, which runs every require hook
 *   registered for it (each Instrumentation patches them as for a `require` app); nothing is evaluated again;
 * - an ESM-only copy (@elastic/transport 9's `esm/`) is handed to its entry's ESM patch.
 */
export type ImportListener = (namespace: Record<string, unknown>, name: string, baseDir: string | undefined, format: string | undefined) => void;

interface HookHandle {
  unhook(): void;
}

let hook: HookHandle | undefined;
let loaderRegistered = false;

/** Register import-in-the-middle's loader for `modules` and call `listener` for each import of one of them. */
export function registerEsmHooks(modules: string[], listener: ImportListener): boolean {
  if (modules.length === 0) return false;
  const register = (Module as unknown as { register?: (specifier: string, parent: string, options: object) => void }).register;
  if (typeof register !== 'function') {
    warnOnce('esm:unsupported', `Node ${process.versions.node} has no module.register() (Node >= 20.6 needed): ESM imports are not instrumented, only require()`);
    return false;
  }
  if (!loaderRegistered) {
    // Only these packages go through the loader's wrapper: every other import is left exactly as it was.
    register('import-in-the-middle/hook.mjs', pathToFileURL(__filename).href, { data: { include: modules } });
    loaderRegistered = true;
  }
  hook?.unhook();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the ESM hooks load only when an app uses --import
  const { Hook } = require('import-in-the-middle') as { Hook: new (modules: string[], fn: ImportListener) => HookHandle };
  hook = new Hook(modules, (namespace, name, baseDir, format) => {
    try {
      listener(namespace, name, baseDir, format);
    } catch (error) {
      reportFault(`ESM import of ${name}`, error);
    }
  });
  log.debug(`ESM loader hook registered for ${modules.join(', ')}`);
  return true;
}

export function unregisterEsmHooks(): void {
  hook?.unhook();
  hook = undefined;
}

/** Run the require hooks on the CommonJS copy of the package at `baseDir`, if the import loaded it (never loads it). */
export function requireLoadedCopy(baseDir: string): boolean {
  const main = mainFileOf(baseDir);
  if (main === undefined || !Module.createRequire || !(main in require.cache)) return false;
  Module.createRequire(main)(main);
  return true;
}

function mainFileOf(baseDir: string): string | undefined {
  try {
    // Resolving the directory follows package.json "main" (the CommonJS entry), not "exports".
    return require.resolve(baseDir);
  } catch {
    return undefined;
  }
}

/** `name@version` of the package at `baseDir`. */
export function packageVersion(baseDir: string | undefined): string {
  if (!baseDir) return '';
  try {
    return String((JSON.parse(fs.readFileSync(path.join(baseDir, 'package.json'), 'utf8')) as { version?: unknown }).version ?? '');
  } catch {
    return '';
  }
}
