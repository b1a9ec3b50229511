/**
 * The committed version matrix agrees with the declared ranges, without the registry: every range is tested at its
 * lowest claimed version, the fixtures pin what the matrix says, peerDependencies and docs/versions.md say the same.
 * (Whether the matrix has the registry's newest versions is `npm run versions:check`, which needs the network.)
 */
import * as fs from 'fs';
import * as path from 'path';
import * as semver from 'semver';
import { versionFixtures } from '../each-version';
import { libraryRanges, versionsDoc, type MatrixTarget as Target, type VersionMatrix as Matrix } from '../version-ranges';

const ROOT = path.resolve(__dirname, '../..');
const matrix = JSON.parse(fs.readFileSync(path.join(ROOT, 'test-support/version-matrix.json'), 'utf8')) as Matrix;
const ranges = libraryRanges();
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));

test('every declared library is in the matrix, with the range declared today', () => {
  expect([...new Set(matrix.targets.map((t) => t.library))].sort()).toEqual([...ranges.keys()].sort());
  for (const target of matrix.targets) expect([target.library, target.range]).toEqual([target.library, ranges.get(target.library)]);
});

test('every tested version is in its range, and each major is tested at the lowest version the range claims', () => {
  for (const target of matrix.targets) expect([target.library, target.version, semver.satisfies(target.version, target.range)]).toEqual([target.library, target.version, true]);
  const majors = new Map<string, Target[]>();
  for (const target of matrix.targets) majors.set(`${target.library}@${target.major}`, [...(majors.get(`${target.library}@${target.major}`) ?? []), target]);
  for (const [key, targets] of majors) {
    const { range, major } = targets[0];
    const inMajor = range.split(' || ').map((part) => `${part} >=${major}.0.0 <${major + 1}.0.0-0`).join(' || ');
    const lowest = targets.map((t) => t.version).sort(semver.compare)[0];
    expect([key, lowest]).toEqual([key, semver.minVersion(inMajor)!.version]);
    expect([key, targets.some((t) => t.end === 'latest')]).toEqual([key, true]);
  }
});

test('each fixture workspace pins exactly what the matrix says, and has it installed', () => {
  for (const [name, fixture] of Object.entries(matrix.fixtures)) {
    expect([name, readJson(`fixtures/${name}/package.json`).dependencies]).toEqual([name, fixture.dependencies]);
  }
  for (const library of ranges.keys()) expect(versionFixtures(library).length).toBeGreaterThan(0); // throws when one is not installed
});

test('docs/versions.md is the table of the committed matrix', () => {
  expect(fs.readFileSync(path.join(ROOT, 'docs/versions.md'), 'utf8')).toBe(versionsDoc(matrix));
});
