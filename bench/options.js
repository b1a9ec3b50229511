/**
 * Command-line options of `npm run bench -- [--node 24|/path/to/node] [--duration s] [--pairs n] [--only text]`.
 * The numbers and the filter set the BENCH_* variables run.js reads. `--node` (or SPANWISE_BENCH_NODE) runs the whole
 * bench, harness and apps alike, on that Node: a major (20, 22, 24) is installed by scripts/node-version.sh.
 */
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const FLAGS = { '--duration': 'BENCH_DURATION', '--pairs': 'BENCH_PAIRS', '--connections': 'BENCH_CONNECTIONS', '--only': 'BENCH_ONLY' };

function usage(message) {
  console.error(`bench: ${message}\nusage: npm run bench -- [--node <major>|<path to node>] [--duration <s>] [--pairs <n>] [--connections <n>] [--only <scenario text>]`);
  process.exit(2);
}

/** Applies the flags to process.env; returns the Node binary asked for (a path), if any. */
function parseArgs(argv) {
  let node = process.env.SPANWISE_BENCH_NODE || undefined;
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) usage(`${flag} needs a value`);
    if (flag === '--node') node = value;
    else if (!FLAGS[flag]) usage(`unknown option ${flag}`);
    else if (flag !== '--only' && !(Number(value) > 0)) usage(`${flag} needs a positive number, got ${value}`);
    else process.env[FLAGS[flag]] = value;
  }
  return node === undefined ? undefined : nodeBinary(node);
}

/** A major installs (or finds in the cache) that Node's official binary; anything else is a path to a node binary. */
function nodeBinary(spec) {
  if (/^\d+$/.test(spec)) {
    const script = path.join(__dirname, '..', 'scripts', 'node-version.sh');
    try {
      return path.join(execFileSync(script, [spec], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim(), 'node');
    } catch {
      return usage(`could not install Node ${spec} (see above)`);
    }
  }
  if (!fs.existsSync(spec)) usage(`no node binary at ${spec} (SPANWISE_BENCH_NODE or --node)`);
  return spec;
}

/**
 * Parses the flags; when another Node was asked for, runs this script again on it (the apps it starts use the
 * same binary, process.execPath) and exits with its status. Returns only in the process that runs the bench.
 */
function applyOptions(script) {
  const node = parseArgs(process.argv.slice(2));
  if (node === undefined || fs.realpathSync(node) === fs.realpathSync(process.execPath)) return;
  const { status, signal } = spawnSync(node, [script], { stdio: 'inherit', env: { ...process.env, SPANWISE_BENCH_NODE: node } });
  process.exit(signal ? 1 : status);
}

module.exports = { applyOptions };
