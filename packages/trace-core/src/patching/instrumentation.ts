import { isBuiltin, syncBuiltinESMExports } from 'module';
import * as path from 'path';
import { Hook } from 'require-in-the-middle';
import { log, reportFault, warnOnce } from '../logger';
import { findLoaded, readVersion, type ModuleInfo } from './module-info';

type Satisfies = (version: string, range: string, options: { includePrerelease: boolean }) => boolean;
let satisfies: Satisfies | undefined;

/**
 * True when `version` is in the semver `range` (prereleases included). semver is loaded on the first check, when a
 * library is patched, not when Spanwise loads: its ~50 modules would slow every process's startup.
 */
export function satisfiesVersion(version: string, range: string): boolean {
  if (range === '*' && version !== '') return true;
  satisfies ??= require('semver/functions/satisfies') as Satisfies; // eslint-disable-line @typescript-eslint/no-require-imports -- semver loads on the first check, not at startup
  return satisfies(version, range, { includePrerelease: true });
}

/**
 * One place a library is hooked: a module (or a file inside it), the versions supported, and how to patch it.
 * `T` is the shape of the exports the patch expects (it is not checked at run time: patches guard themselves).
 */
export interface PatchDefinition<T = unknown> {
  /** Package name, as required: `express`, `mysql2`, `@elastic/transport`. */
  module: string;
  /** A file inside the package (`lib/router/layer.js`); omit for the package's main export. */
  file?: string;
  /** Supported versions, a semver range. Other versions are left alone, with a warning. */
  versions: string;
  /** The library whose supported versions this range declares, when not `module` (see `HookInfo.peer`). */
  peer?: string | false;
  patch(exports: T, info: ModuleInfo): void;
  unpatch(exports: T, info: ModuleInfo): void;
}

interface Applied {
  definition: PatchDefinition<never>;
  exports: unknown;
  info: ModuleInfo;
}

/**
 * A set of patches for one library. `enable()` patches the library whether it was loaded before
 * (found in require.cache) or after (require-in-the-middle); `disable()` restores every original.
 * Both are idempotent.
 */
export class Instrumentation {
  private hook: { unhook(): void } | undefined;
  private readonly applied: Applied[] = [];
  /** Per definition (two definitions may patch the same exports, e.g. two methods of one class). */
  private readonly patchedExports = new Map<PatchDefinition<never>, WeakSet<object>>();
  /** Versions patched, for diagnostics: `express@4.21.2`. */
  readonly patchedVersions = new Set<string>();

  constructor(
    readonly name: string,
    private readonly definitions: ReadonlyArray<PatchDefinition<never>>,
  ) {}

  get enabled(): boolean {
    return this.hook !== undefined;
  }

  enable(): this {
    if (this.hook) return this;
    const modules = [...new Set(this.definitions.map((d) => d.module))];
    const internals = this.definitions.some((d) => d.file !== undefined);
    this.hook = new Hook(modules, { internals }, <T>(exports: T, name: string, basedir?: string): T => this.onRequire(exports, name, basedir) as T);
    for (const definition of this.definitions) {
      if (isBuiltin(definition.module)) {
        // Builtins are singletons: patch the one instance; ESM named imports see it after the sync.
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the builtin a definition names, loaded when enabled
        this.apply(definition, require(definition.module) as unknown, { name: definition.module, basedir: '', version: process.versions.node });
        syncBuiltinESMExports();
        continue;
      }
      for (const loaded of findLoaded(definition.module, definition.file)) this.apply(definition, loaded.exports, loaded.info);
    }
    return this;
  }

  disable(): this {
    this.hook?.unhook();
    this.hook = undefined;
    for (const { definition, exports, info } of this.applied.splice(0)) {
      try {
        definition.unpatch(exports as never, info);
      } catch (error) {
        reportFault(`${this.name} unpatch`, error);
      }
      this.patchedExports.get(definition)?.delete(exports as object);
    }
    this.patchedVersions.clear();
    if (this.definitions.some((d) => isBuiltin(d.module))) syncBuiltinESMExports();
    return this;
  }

  /**
   * Patch exports of `info.name` that no require hook sees (an ESM-only copy's namespace, bundled code) with every
   * definition of that module's main export; `info.version` is checked against their ranges. Undone by `disable()`.
   */
  patchExports(exports: unknown, info: ModuleInfo): boolean {
    let patched = false;
    for (const definition of this.definitions) if (definition.module === info.name && definition.file === undefined) patched = this.apply(definition, exports, info) || patched;
    return patched;
  }

  private onRequire(exports: unknown, name: string, basedir: string | undefined): unknown {
    if (!basedir) return exports; // builtins were patched in enable()
    for (const definition of this.definitions) {
      const wanted = definition.file ? definition.module + path.sep + definition.file.split('/').join(path.sep) : definition.module;
      if (name === wanted) this.apply(definition, exports, { name: definition.module, basedir, version: readVersion(basedir) });
    }
    return exports;
  }

  private apply(definition: PatchDefinition<never>, exports: unknown, info: ModuleInfo): boolean {
    if (!exports || (typeof exports !== 'object' && typeof exports !== 'function')) return false;
    let patched = this.patchedExports.get(definition);
    if (patched === undefined) this.patchedExports.set(definition, (patched = new WeakSet()));
    if (patched.has(exports)) return false;
    if (!satisfiesVersion(info.version, definition.versions)) {
      warnOnce(
        `version:${definition.module}@${info.version}`,
        `${definition.module}@${info.version || 'unknown'} is outside the versions Spanwise's ${this.name} instrumentation supports (${definition.versions}): it is not traced`,
      );
      return false;
    }
    try {
      definition.patch(exports as never, info);
    } catch (error) {
      reportFault(`${this.name} patch of ${definition.module}@${info.version}`, error);
      return false;
    }
    patched.add(exports);
    this.applied.push({ definition, exports, info });
    this.patchedVersions.add(`${definition.module}@${info.version}`);
    log.debug(`patched ${definition.module}${definition.file ? '/' + definition.file : ''}@${info.version} (${info.basedir})`);
    return true;
  }
}
