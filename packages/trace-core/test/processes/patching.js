// Exercises the patching framework on generated packages (see patching.test.ts). Prints one JSON line.
const path = require('path');
const { Instrumentation, wrapMethod, unwrapMethod } = require('@spanwise/trace-core');
const modules = process.env.FAKE_MODULES;
const load = (name) => require(path.join(modules, name));

const calls = [];
const definition = (name, versions) => ({
  module: name,
  versions,
  patch: (exports) => wrapMethod(exports, 'greet', (original) => function (...args) {
    calls.push(name);
    return original.apply(this, args);
  }),
  unpatch: (exports) => unwrapMethod(exports, 'greet'),
});

const result = {};
const early = load('early-lib'); // loaded before patching: found in require.cache
const originalEarly = early.greet;
const inst = new Instrumentation('fake', [definition('early-lib', '^1.0.0'), definition('late-lib', '^1.0.0'), definition('old-lib', '^1.0.0')]);
inst.enable();
inst.enable(); // idempotent
const late = load('late-lib'); // loaded after: require-in-the-middle
const old = load('old-lib'); // version 0.9.0: out of range
result.earlyValue = early.greet('a');
result.lateValue = late.greet('b');
result.oldValue = old.greet('c');
result.calls = calls.slice();
result.lengthKept = early.greet.length === originalEarly.length;
result.versions = [...inst.patchedVersions].sort();
inst.disable();
result.restored = early.greet === originalEarly;
calls.length = 0;
early.greet('d');
late.greet('e');
result.callsAfterDisable = calls.slice();
inst.enable();
early.greet('f');
result.callsAfterReenable = calls.slice();

const broken = new Instrumentation('broken', [{ module: 'late-lib', versions: '*', patch: () => { throw new Error('patch bug'); }, unpatch: () => {} }]);
broken.enable();
result.brokenStillWorks = late.greet('g');
console.log(JSON.stringify(result));
