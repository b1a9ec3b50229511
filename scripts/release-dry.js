#!/usr/bin/env node
'use strict';
/**
 * `npm run release:dry`: a clean build, `npm pack` of every package, and the checks a release needs
 * (contents, README/LICENSE/CHANGELOG, typings, no source maps or internal exports, internal ranges in step).
 * Publishes nothing; the tarballs stay in .release/ for a look (`tar tzf .release/*.tgz`).
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { ROOT, packAll, packageDirs, verifyTarball } = require('./packages');

const destination = path.join(ROOT, '.release');
fs.rmSync(destination, { recursive: true, force: true });
for (const dir of packageDirs()) {
  fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
  fs.rmSync(path.join(dir, 'tsconfig.tsbuildinfo'), { force: true });
}
execFileSync('npx', ['tsc', '-b'], { cwd: ROOT, stdio: 'inherit' });
const packs = packAll(destination);
let failed = 0;
for (const pack of packs) {
  const problems = verifyTarball(pack, packs);
  const size = fs.statSync(pack.tarball).size;
  console.log(`${problems.length ? 'FAIL' : 'ok  '} ${pack.name}@${pack.version}  ${pack.files.length} files, ${(size / 1024).toFixed(1)} kB  ${path.relative(ROOT, pack.tarball)}`);
  for (const problem of problems) console.log(`       ${problem}`);
  if (problems.length) failed++;
}
console.log(failed ? `\n${failed} package(s) not ready to publish` : `\n${packs.length} packages ready: npx lerna version, then npx lerna publish from-git`);
process.exit(failed ? 1 : 0);
