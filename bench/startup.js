'use strict';
// What the register adds to a process's startup: `node -e ''` and `node -r <register> -e ''`, run alternately RUNS
// times (default 10), median wall time and the median CPU time (user + system, read from /proc when the OS has it).
// Usage: node bench/startup.js [path/to/register.js]
const { spawnSync } = require('child_process');
const path = require('path');

const register = path.resolve(process.argv[2] || path.join(__dirname, '..', 'packages', 'trace-auto', 'register.js'));
const runs = Number(process.env.RUNS || 10);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// The child prints its own CPU time at exit (process.cpuUsage covers startup: it counts from process start).
const printCpu = "process.on('exit',()=>{const u=process.cpuUsage();process.stdout.write(String((u.user+u.system)/1000))})";

function measure(args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [...args, '-e', printCpu], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return { wallMs: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: Number(result.stdout) };
}

const plain = [];
const registered = [];
for (let i = 0; i < runs; i++) {
  plain.push(measure([]));
  registered.push(measure(['-r', register]));
}
const report = (label, values) => ({ label, wallMs: median(values.map((v) => v.wallMs)).toFixed(1), cpuMs: median(values.map((v) => v.cpuMs)).toFixed(1) });
const rows = [report("node -e ''", plain), report(`node -r ${path.relative(process.cwd(), register) || register} -e ''`, registered)];
console.table(rows);
console.log(`register adds: ${(rows[1].wallMs - rows[0].wallMs).toFixed(1)} ms wall, ${(rows[1].cpuMs - rows[0].cpuMs).toFixed(1)} ms CPU (medians of ${runs})`);
