import * as path from 'path';
import { runScript } from '../../../test-support';
import { describeEachVersion } from '../../../test-support/each-version';

describeEachVersion('koa', ({ dir }) => {
  it('wraps only what is mounted after a trace middleware asking for it; unpatch() restores use(), patch() re-applies', async () => {
    const run = await runScript(path.join(__dirname, 'processes/patching.js'), { KOA_DIR: dir });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.output.trim().split('\n').pop()!)).toEqual({
      beforeUnwrapped: true,
      afterWrapped: true,
      wrappedKeepsShape: true,
      useReturnsApp: true,
      otherAppUnwrapped: true,
      useRestored: true,
      afterUnpatchUnwrapped: true,
      repatchedWrapped: true,
      badArgumentStillRefused: true,
    });
  });
});
