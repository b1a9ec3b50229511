'use strict';
/**
 * Packing and checking the published packages (packages/*): used by `npm run release:dry` and the packaging test.
 * packAll() runs `npm pack` once for every package; verifyTarball() checks what a user would install.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const LICENSE = fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8');
/** Exports marked @internal: they must not reach a published .d.ts. */
const INTERNAL_NAMES = ['resetForTests', 'setReporterFactory', 'getRedactor', 'getPropagation'];
const REQUIRED_FIELDS = ['name', 'version', 'description', 'license', 'repository', 'homepage', 'keywords', 'main', 'types', 'engines'];

function packageDirs() {
  return fs
    .readdirSync(path.join(ROOT, 'packages'))
    .map((name) => path.join(ROOT, 'packages', name))
    .filter((dir) => fs.existsSync(path.join(dir, 'package.json')) && !readJson(path.join(dir, 'package.json')).private);
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** `npm pack` of every package into `destination`: [{ name, version, dir, tarball, files }]. */
function packAll(destination) {
  fs.mkdirSync(destination, { recursive: true });
  const dirs = packageDirs();
  const args = ['pack', '--json', '--pack-destination', destination, ...dirs.flatMap((dir) => ['--workspace', path.relative(ROOT, dir)])];
  const output = execFileSync('npm', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const packed = JSON.parse(output.slice(output.indexOf('[')));
  return packed.map((entry) => {
    const dir = dirs.find((d) => readJson(path.join(d, 'package.json')).name === entry.name);
    return { name: entry.name, version: entry.version, dir, tarball: path.join(destination, entry.filename), files: entry.files.map((f) => f.path) };
  });
}

/** Problems with one packed package (empty when it is fine to publish). */
function verifyTarball(pack, all) {
  const problems = [];
  const manifest = readJson(path.join(pack.dir, 'package.json'));
  const files = new Set(pack.files);
  for (const field of REQUIRED_FIELDS) if (manifest[field] === undefined) problems.push(`package.json has no "${field}"`);
  for (const file of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', manifest.main, manifest.types]) if (!files.has(file)) problems.push(`${file} is not in the tarball`);
  if (fs.existsSync(path.join(pack.dir, 'LICENSE')) && fs.readFileSync(path.join(pack.dir, 'LICENSE'), 'utf8') !== LICENSE) problems.push('LICENSE differs from the repository LICENSE');
  for (const file of pack.files) {
    if (file.endsWith('.map')) problems.push(`${file}: source maps point at sources that are not shipped`);
    if (/^(src|test)\//.test(file) || file.endsWith('.tsbuildinfo') || (file.endsWith('.ts') && !file.endsWith('.d.ts'))) problems.push(`${file} should not be published`);
    if (file.startsWith('dist/') && file.endsWith('.js') && !files.has(file.replace(/\.js$/, '.d.ts')) && !file.endsWith('cli.js')) problems.push(`${file} has no .d.ts`);
    if (file.endsWith('.d.ts')) {
      const text = fs.readFileSync(path.join(pack.dir, file), 'utf8');
      for (const name of INTERNAL_NAMES) if (new RegExp(`\\b${name}\\b`).test(text)) problems.push(`${file} exposes the internal ${name}`);
    }
  }
  for (const target of exportTargets(manifest)) if (!files.has(target.replace(/^\.\//, ''))) problems.push(`exports target ${target} is not in the tarball`);
  for (const [dependency, range] of Object.entries(manifest.dependencies ?? {})) {
    if (!dependency.startsWith('@spanwise/')) continue;
    const local = all.find((p) => p.name === dependency);
    if (!local) problems.push(`depends on ${dependency}, which is not a package here`);
    else if (range !== `^${local.version}`) problems.push(`depends on ${dependency}@${range}: expected ^${local.version} (lerna version keeps it in step)`);
  }
  return problems;
}

function exportTargets(manifest) {
  const targets = [];
  const walk = (value) => {
    if (typeof value === 'string') targets.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  if (manifest.bin) walk(manifest.bin);
  return targets.filter((t) => !t.includes('*'));
}

module.exports = { ROOT, packAll, verifyTarball, packageDirs };
