/**
 * The minimal-app benchmark's plumbing (not its speed): one app, one traced variant, one short round through the real
 * CLI, and every request's span arrives at the bench's receiver (about 1 span per request, none lost).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');

function runBench(args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, ['bench/run.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 50000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('npm run bench: minimal suite', () => {
  it('runs Express 4 sampled + exported and counts one delivered span per request at the receiver', () => {
    const { status, output } = runBench(['--suite', 'minimal', '--only', 'express4', '--variants', 'sampled', '--duration', '1', '--warmup', '0.3', '--rounds', '1', '--no-write']);
    expect({ status, output }).toMatchObject({ status: 0 });
    const row = /^\| Express 4 \| sampled \+ exported \| (\d+) \|.*\| (\d+\.\d\d) ✔ \|$/m.exec(output);
    expect(row).not.toBeNull();
    expect(Number(row![1])).toBeGreaterThan(0);
    // requests still in flight when the load stops are traced but not counted by autocannon: a little over 1
    expect(Number(row![2])).toBeGreaterThanOrEqual(0.99);
    expect(Number(row![2])).toBeLessThan(1.5);
  }, 60000);

  it('refuses an unknown variant with the list of known ones', () => {
    const { status, output } = runBench(['--suite', 'minimal', '--variants', 'sampeld', '--no-write']);
    expect(status).toBe(2);
    expect(output).toContain('unknown variant sampeld (known: untraced, context, unsampled, sampled, register, otel, ddtrace)');
  }, 60000);
});
