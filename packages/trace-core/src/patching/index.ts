export { Instrumentation, satisfiesVersion, type PatchDefinition } from './instrumentation';
export {
  defineInstrumentation,
  supportedLibraries,
  optionRules,
  DefinedInstrumentation,
  type InstrumentationDefinition,
  type OptionsDefinition,
  type OptionRule,
  type OptionRules,
  type TracingInstrumentation,
  type HookInfo,
} from './define';
export { findLoaded, readVersion, type ModuleInfo } from './module-info';
export { isWrapped, unwrapMethod, wrapMethod, type AnyFunction } from './wrap';
