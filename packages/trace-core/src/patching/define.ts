import { isBuiltin } from 'module';
import { ConfigurationError } from '../config';
import { checkOptionKeys } from '../options';
import { checkConfiguration } from '../tracer';
import { Instrumentation, type PatchDefinition } from './instrumentation';
import type { ModuleInfo } from './module-info';
import { unwrapMethod, wrapMethod, type AnyFunction } from './wrap';

/**
 * The instrumentation contract: every Spanwise package that hooks a library is one `defineInstrumentation({...})`.
 * It declares where it hooks (modules, files, version ranges: the single source for the version warning,
 * peerDependencies and the docs table), its options (keys, checks, defaults) and what patching turns on, and gets
 * `patch(options?)`, `unpatch()`, `isEnabled()` and `patchedVersions()`, the same in every package.
 *
 * Wrappers that outlive `unpatch()` (a method the app took from a prototype before, a prepared statement):
 * wrappers installed through `wrap()` call straight through to the original, with no span and no other work, while
 * the instrumentation is not enabled; `patch()` again makes them trace again.
 */

/** A check of one option value: what it must be (for the error message) and the test. */
export interface OptionRule {
  expected: string;
  test(value: unknown): boolean;
}

/** The checks a package's options get: a rule per key (keys without a rule are not checked). */
export type OptionRules<O> = { readonly [K in keyof O]?: OptionRule };

export const optionRules = {
  boolean: { expected: 'true or false', test: (value: unknown) => typeof value === 'boolean' } as OptionRule,
  function: { expected: 'a function', test: (value: unknown) => typeof value === 'function' } as OptionRule,
  positiveInteger: { expected: 'a positive integer', test: (value: unknown) => Number.isInteger(value) && (value as number) > 0 } as OptionRule,
  nonNegativeInteger: { expected: 'an integer >= 0', test: (value: unknown) => Number.isInteger(value) && (value as number) >= 0 } as OptionRule,
  /** One of `values`, or (with `orFunction`) a function. */
  oneOf(values: readonly string[], orFunction = false): OptionRule {
    const names = values.map((value) => JSON.stringify(value)).join(', ');
    return {
      expected: orFunction ? `one of ${names} or a function` : `one of ${names}`,
      test: (value) => (typeof value === 'string' && values.includes(value)) || (orFunction && typeof value === 'function'),
    };
  },
  /** A value passing `item`, or an array of such values. */
  oneOrMany(item: OptionRule): OptionRule {
    return { expected: `${item.expected}, or an array of them`, test: (value) => (Array.isArray(value) ? value.every((v) => item.test(v)) : item.test(value)) };
  },
};

/** Options of an instrumentation: every key (`optionKeys<O>({...})`), their checks, and how the package resolves them. */
export interface OptionsDefinition<O extends object, R> {
  keys: readonly string[];
  rules?: OptionRules<O>;
  /**
   * Further checks on the whole object (values that depend on each other, nested objects); throw a
   * `ConfigurationError` naming the option. `where` is `<package> patch()`.
   */
  check?(options: O, where: string): void;
  /** The options in force: defaults filled in. Called with `undefined` before the first `patch()`. */
  resolve(options: O | undefined): R;
}

export interface InstrumentationDefinition<O extends object, R> {
  /** As written in `SPANWISE_ENABLED_INSTRUMENTATIONS` and in messages: `mysql2`. */
  name: string;
  /** The package that defines it: `@spanwise/trace-mysql2`. */
  packageName: string;
  /** The function users call, for messages (default `patch()`): `<packageName> <entryPoint> option "x" must be ...`. */
  entryPoint?: string;
  /** Where the library is hooked, with the versions supported. */
  hooks: ReadonlyArray<PatchDefinition<never>>;
  options: OptionsDefinition<O, R>;
  /** After `patch()` installed the hooks: what else patching turns on (channel subscriptions, a request entry point). */
  onPatch?(options: R): void;
  /** Before `unpatch()` removes the hooks: undo `onPatch`. */
  onUnpatch?(): void;
  /** How a patched version is listed by `patchedVersions()` (default `module@version`; `undefined`: not listed). */
  describeVersion?(module: string, version: string): string | undefined;
}

/** A library hook, as read by tools (trace-auto, the version tests): where, and which versions. */
export interface HookInfo {
  module: string;
  file?: string;
  versions: string;
  /**
   * The library users install whose supported versions this range declares (a peer dependency of the package):
   * `module` by default; another name when `module` is a dependency whose majors go in step with it
   * (`@elastic/transport` 8/9 for `@elastic/elasticsearch` 8/9); `false` for a dependency whose versions follow
   * the library's on their own (`router` 2, Express 5's router).
   */
  peer?: string | false;
}

/**
 * The libraries an instrumentation supports and their ranges (`express`: `>=4.0.0 <6`), from its hooks: what its
 * package's peerDependencies and the docs table of supported versions say. Node builtins are not listed.
 */
export function supportedLibraries(instrumentation: { hooks: ReadonlyArray<HookInfo> }): Record<string, string> {
  const ranges = new Map<string, string[]>();
  for (const hook of instrumentation.hooks) {
    const peer = hook.peer ?? hook.module;
    if (peer === false || isBuiltin(peer)) continue;
    const list = ranges.get(peer) ?? [];
    if (!list.includes(hook.versions)) list.push(hook.versions);
    ranges.set(peer, list);
  }
  return Object.fromEntries([...ranges].map(([name, list]) => [name, unionOf(list)]));
}

type Subset = (sub: string, dom: string) => boolean;
type MinVersion = (range: string) => { compare(other: unknown): number } | null;

/** `a || b`, lowest first, without ranges another one covers (`>=4.0.0 <5` inside `>=4.0.0 <6`). Loads semver: for tools only. */
function unionOf(list: string[]): string {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded when first needed, not at startup */
  const subset = require('semver/ranges/subset') as Subset;
  const minVersion = require('semver/ranges/min-version') as MinVersion;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const kept = list.filter((range, i) => !list.some((other, j) => j !== i && subset(range, other) && (!subset(other, range) || j < i)));
  return kept.sort((a, b) => minVersion(a)?.compare(minVersion(b)) ?? 0).join(' || ');
}

export interface TracingInstrumentation<O extends object = object> {
  readonly name: string;
  readonly packageName: string;
  readonly hooks: ReadonlyArray<PatchDefinition<never>>;
  readonly optionKeys: readonly string[];
  /** Check the options (a ConfigurationError naming a bad or unknown one) and the `JAEGER_*` configuration, then trace the library. Idempotent; a second call replaces the options. */
  patch(options?: O): void;
  /** Restore every original. Wrappers taken before call straight through to the original from now on. Idempotent. */
  unpatch(): void;
  /** The hooks are installed (by `patch()`, or by `enable()`). */
  isEnabled(): boolean;
  /** Library versions patched in this process: `mysql2@3.11.4`. */
  patchedVersions(): string[];
  /** Patch exports no require hook sees (ESM-only copies, bundled code): `info.name` is the module, `info.version` is checked. */
  patchExports(exports: unknown, info: ModuleInfo): boolean;
}

/** What the package itself uses of its definition. */
export class DefinedInstrumentation<O extends object, R> implements TracingInstrumentation<O> {
  readonly name: string;
  readonly packageName: string;
  readonly hooks: ReadonlyArray<PatchDefinition<never>>;
  readonly optionKeys: readonly string[];
  /** The options in force (the defaults until `patch()`). */
  options: R;
  private readonly installer: Instrumentation;
  private readonly where: string;
  /** Read by every wrapper on every call: a plain field, not the installer's getter. */
  private readonly gate = { open: false };

  constructor(private readonly definition: InstrumentationDefinition<O, R>) {
    this.name = definition.name;
    this.packageName = definition.packageName;
    this.hooks = Object.freeze([...definition.hooks]);
    this.optionKeys = definition.options.keys;
    this.where = `${definition.packageName} ${definition.entryPoint ?? 'patch()'}`;
    this.options = definition.options.resolve(undefined);
    this.installer = new Instrumentation(definition.name, this.hooks);
  }

  readonly patch = (options?: O): void => {
    const resolved = this.checkedOptions(options);
    checkConfiguration();
    this.options = resolved;
    this.installer.enable();
    this.gate.open = true;
    this.definition.onPatch?.(resolved);
  };

  readonly unpatch = (): void => {
    this.definition.onUnpatch?.();
    this.gate.open = false;
    this.installer.disable();
    this.options = this.definition.options.resolve(undefined);
  };

  readonly isEnabled = (): boolean => this.installer.enabled;

  /** In the order of the hooks' modules (the library first: `express@5.1.0, router@2.2.0`), whatever order they loaded in. */
  readonly patchedVersions = (): string[] => {
    const describe = this.definition.describeVersion ?? ((module: string, version: string) => `${module}@${version}`);
    const modules = this.hooks.map((hook) => hook.module);
    const patched = [...this.installer.patchedVersions].map((entry) => {
      const at = entry.lastIndexOf('@');
      return { module: entry.slice(0, at), version: entry.slice(at + 1) };
    });
    patched.sort((a, b) => modules.indexOf(a.module) - modules.indexOf(b.module));
    const described = new Set<string>();
    for (const { module, version } of patched) {
      const description = describe(module, version);
      if (description !== undefined) described.add(description);
    }
    return [...described];
  };

  readonly patchExports = (exports: unknown, info: ModuleInfo): boolean => this.installer.patchExports(exports, info);

  /** Install the hooks without `patch()`'s options and `onPatch` (a framework middleware's route capture). */
  enable(): void {
    checkConfiguration();
    this.installer.enable();
    this.gate.open = true;
  }

  /** `wrapMethod` under the rule for wrappers that outlive `unpatch()`: while not enabled, the original is called as is. */
  wrap<T extends object>(target: T | undefined | null, name: string, wrapper: (original: AnyFunction) => AnyFunction): boolean {
    const gate = this.gate;
    return wrapMethod(target, name, (original) => {
      const traced = wrapper(original);
      return function (this: unknown) {
        return gate.open ? traced.apply(this, arguments as unknown as unknown[]) : original.apply(this, arguments as unknown as unknown[]);
      };
    });
  }

  unwrap<T extends object>(target: T | undefined | null, name: string): void {
    unwrapMethod(target, name);
  }

  private checkedOptions(options: O | undefined): R {
    const spec = this.definition.options;
    checkOptionKeys(options, spec.keys, this.where);
    if (options !== undefined) {
      for (const [key, rule] of Object.entries(spec.rules ?? {}) as Array<[string, OptionRule | undefined]>) {
        const value = (options as Record<string, unknown>)[key];
        if (rule !== undefined && value !== undefined && !rule.test(value)) throw new ConfigurationError(`${this.where} option "${key}"`, rule.expected, value);
      }
      spec.check?.(options, this.where);
    }
    return spec.resolve(options);
  }
}

/** Define an instrumentation (see the top of this file). The package exports the result as `instrumentation`. */
export function defineInstrumentation<O extends object, R>(definition: InstrumentationDefinition<O, R>): DefinedInstrumentation<O, R> {
  return new DefinedInstrumentation(definition);
}
