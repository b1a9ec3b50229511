'use strict';
/**
 * Starting and measuring the bench's app processes, through the test kit's spawnListening (the same start-and-wait
 * the tests and the demo use). The app is pinned to CPU 1 and the bench process (load generator, span sinks) to CPU 0 when
 * `taskset` exists and the machine has two CPUs or more.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnListening } = require('../test-support/dist/processes.js');

const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return os.cpus().length > 1;
  } catch {
    return false;
  }
})();

/** Pins the bench process (autocannon and the sinks run in it) to CPU 0. */
function pinSelf() {
  if (hasTaskset) execFileSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
}

/**
 * Starts `node [nodeArgs] script` on this Node (process.execPath), pinned to CPU 1, and resolves once it printed
 * `LISTENING <port>`. `stop()` sends SIGTERM (the tracers flush on it) and resolves at exit.
 * @param {{script: string, env: object, nodeArgs?: string[], cwd?: string, startTimeoutMs?: number}} app
 * @returns {Promise<{port: number, child: import('child_process').ChildProcess, output: () => string, stop: () => Promise<void>}>}
 */
function startApp({ script, env, nodeArgs = [], cwd = path.dirname(script), startTimeoutMs = 30000 }) {
  const command = hasTaskset ? 'taskset' : process.execPath;
  const args = hasTaskset ? ['-c', '1', process.execPath, ...nodeArgs, script] : [...nodeArgs, script];
  return spawnListening(command, args, { env, cwd, timeoutMs: startTimeoutMs, name: path.basename(script) }).then((app) => ({
    ...app,
    stop: () => app.stop().then(() => undefined),
  }));
}

/** CPU seconds (user + system) the process has used, from /proc (Linux); undefined elsewhere. */
function cpuSeconds(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

module.exports = { hasTaskset, pinSelf, startApp, cpuSeconds };
