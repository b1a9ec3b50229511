import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runScript } from '../../../test-support';

function fakePackage(root: string, name: string, version: string): void {
  const dir = path.join(root, 'node_modules', name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version, main: 'index.js' }));
  fs.writeFileSync(path.join(dir, 'index.js'), `exports.greet = function greet(who, punctuation) { return '${name}:' + who + (punctuation || ''); };`);
}

describe('patching framework (require-in-the-middle + require.cache + shimmer)', () => {
  let root: string;
  let result: Record<string, unknown>;
  let output: string;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'spanwise-patch-'));
    fakePackage(root, 'early-lib', '1.2.3');
    fakePackage(root, 'late-lib', '1.0.0');
    fakePackage(root, 'old-lib', '0.9.0');
    const run = await runScript(path.join(__dirname, 'processes', 'patching.js'), { FAKE_MODULES: path.join(root, 'node_modules') });
    output = run.output;
    expect(run.code).toBe(0);
    result = JSON.parse(output.trim().split('\n').filter((l) => l.startsWith('{')).pop()!);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('patches modules loaded before and after enable(), once each, without changing results', () => {
    expect(result.earlyValue).toBe('early-lib:a');
    expect(result.lateValue).toBe('late-lib:b');
    expect(result.calls).toEqual(['early-lib', 'late-lib']);
    expect(result.lengthKept).toBe(true);
  });

  it('leaves versions outside the range alone and warns once naming module and version', () => {
    expect(result.oldValue).toBe('old-lib:c');
    expect(result.versions).toEqual(['early-lib@1.2.3', 'late-lib@1.0.0']);
    expect(output.match(/old-lib@0\.9\.0 is outside the versions/g)).toHaveLength(1);
  });

  it('restores the originals on disable and patches again on enable', () => {
    expect(result.restored).toBe(true);
    expect(result.callsAfterDisable).toEqual([]);
    expect(result.callsAfterReenable).toEqual(['early-lib']);
  });

  it('a patch that throws is reported and the module keeps working', () => {
    expect(result.brokenStillWorks).toBe('late-lib:g');
    expect(output).toContain('tracing fault in broken patch of late-lib@1.0.0');
  });
});
