// Simulates what a prefork server does to a tracer made before the fork: the pid seen by Spanwise changes.
const { getTracer } = require('@spanwise/trace-core');
const first = getTracer();
first.startSpan('before-fork').finish();
Object.defineProperty(process, 'pid', { value: process.pid + 100000, configurable: true });
const second = getTracer();
second.startSpan('after-fork').finish();
console.log(JSON.stringify({ recreated: first !== second }));
