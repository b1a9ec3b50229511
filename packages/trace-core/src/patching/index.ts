export { Instrumentation, satisfiesVersion, type PatchDefinition } from './instrumentation';
export { findLoaded, readVersion, type ModuleInfo } from './module-info';
export { isWrapped, unwrapMethod, wrapMethod } from './wrap';
