/**
 * Command-line options of `npm run bench -- [options]` (see `usage` below). Each sets the BENCH_* variable run.js reads
 * (so the same can be given in the environment). `--node` (or SPANWISE_BENCH_NODE) runs the whole bench, harness and
 * apps alike, on that Node: a major (20, 22, 24) is installed by scripts/node-version.sh.
 */
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const VALUE_FLAGS = {
  '--duration': 'BENCH_DURATION',
  '--warmup': 'BENCH_WARMUP',
  '--rounds': 'BENCH_ROUNDS',
  '--pairs': 'BENCH_PAIRS',
  '--connections': 'BENCH_CONNECTIONS',
  '--only': 'BENCH_ONLY',
  '--variants': 'BENCH_VARIANTS',
  '--suite': 'BENCH_SUITE',
  '--spanwise-root': 'BENCH_SPANWISE_ROOT',
};
const SWITCHES = { '--micro': 'BENCH_MICRO', '--no-write': 'BENCH_NO_WRITE' };
const NUMERIC = new Set(['--duration', '--warmup', '--rounds', '--pairs', '--connections']);
const SUITES = ['minimal', 'heavier', 'all'];

const USAGE = `usage: npm run bench -- [--node <major>|<path to node>] [--suite minimal|heavier|all] [--only <app or scenario text>]
  [--variants untraced,context,unsampled,sampled,register,otel,ddtrace] [--duration <s>] [--warmup <s>] [--rounds <n>]
  [--pairs <n>] [--connections <n>] [--spanwise-root <checkout>] [--no-write] [--micro]`;

function usage(message) {
  console.error(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}

/** Applies the flags to process.env; returns the Node binary asked for (a path), if any. */
function parseArgs(argv) {
  let node = process.env.SPANWISE_BENCH_NODE || undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (SWITCHES[flag]) {
      process.env[SWITCHES[flag]] = '1';
      continue;
    }
    const value = argv[++i];
    if (flag !== '--node' && !VALUE_FLAGS[flag]) usage(`unknown option ${flag}`);
    if (value === undefined) usage(`${flag} needs a value`);
    if (flag === '--node') node = value;
    else if (NUMERIC.has(flag) && !(Number(value) >= 0)) usage(`${flag} needs a number, got ${value}`);
    else if (flag === '--suite' && !SUITES.includes(value)) usage(`--suite is one of ${SUITES.join(', ')}, got ${value}`);
    else if (flag === '--spanwise-root') process.env.BENCH_SPANWISE_ROOT = spanwiseRoot(value);
    else process.env[VALUE_FLAGS[flag]] = value;
  }
  return node === undefined ? undefined : nodeBinary(node);
}

/** Another checkout whose packages the minimal apps load: it must be built (packages/trace-core/dist). */
function spanwiseRoot(dir) {
  const root = path.resolve(dir);
  if (!fs.existsSync(path.join(root, 'packages/trace-core/dist'))) usage(`--spanwise-root ${dir}: no built checkout there (packages/trace-core/dist missing: copy node_modules and run npx tsc -b in it)`);
  return root;
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

/** The options as run.js uses them, from the BENCH_* variables. */
function benchOptions() {
  const env = process.env;
  return {
    suite: env.BENCH_SUITE || 'all',
    duration: Number(env.BENCH_DURATION || 5),
    warmup: Number(env.BENCH_WARMUP ?? 2),
    rounds: Number(env.BENCH_ROUNDS || 3),
    pairs: Number(env.BENCH_PAIRS || 3),
    connections: Number(env.BENCH_CONNECTIONS || 32),
    only: env.BENCH_ONLY || undefined,
    variants: env.BENCH_VARIANTS ? env.BENCH_VARIANTS.split(',').map((v) => v.trim()) : undefined,
    spanwiseRoot: env.BENCH_SPANWISE_ROOT || path.resolve(__dirname, '..'),
    micro: env.BENCH_MICRO === '1',
    write: env.BENCH_NO_WRITE !== '1',
  };
}

module.exports = { applyOptions, benchOptions, USAGE };
