'use strict';
/**
 * Heap bytes allocated by a synchronous piece of code, for the reporter micro-benchmarks: a full GC first, then the
 * growth of the used heap across `fn()`. A run during which V8 collected garbage cannot be measured this way and
 * returns NaN (the caller keeps the runs that were measured); keep `fn` small enough to fit in the young generation.
 */
const v8 = require('v8');
const vm = require('vm');
const { PerformanceObserver } = require('perf_hooks');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
let collections = 0;
new PerformanceObserver((list) => {
  collections += list.getEntries().length;
}).observe({ entryTypes: ['gc'] });

async function allocatedBytes(fn) {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 20)); // deliver the GC entry of gc() itself
  const seen = collections;
  const before = v8.getHeapStatistics().used_heap_size;
  fn();
  const after = v8.getHeapStatistics().used_heap_size;
  await new Promise((resolve) => setTimeout(resolve, 20));
  return collections === seen ? after - before : NaN;
}

function median(values) {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Heap bytes per span allocated by `reportSpans(n)`: the slope between n = 1000 and n = 3000 (which cancels what the
 * measurement itself allocates), median of the runs V8 did not collect during.
 */
async function allocatedPerSpan(reportSpans, runs = 7) {
  const slopes = [];
  for (let i = 0; i < runs; i++) {
    const small = await allocatedBytes(() => reportSpans(1000));
    const large = await allocatedBytes(() => reportSpans(3000));
    slopes.push((large - small) / 2000);
  }
  return median(slopes);
}

module.exports = { allocatedBytes, allocatedPerSpan, median };
