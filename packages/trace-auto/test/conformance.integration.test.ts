import { httpGet, runScript, useAgent } from '../../../test-support';
import { CONFORMANCE_APPS, CONFORMANCE_CASES, CONFORMANCE_STARTUP, FAKE_TIMERS_CASE, observe, REGISTER_ARGS, startConformancePair, type ConformancePair } from '../../../test-support/conformance';

/**
 * Tracing never changes the app: every supported framework's app, run with and without the register, answers and
 * sees its own objects identically (cases in test-support/conformance.ts), and the traced copy did trace.
 */
describe.each(CONFORMANCE_APPS)('%s: the same with and without the register', (framework) => {
  const agent = useAgent();
  let pair: ConformancePair;

  beforeAll(async () => {
    pair = await startConformancePair(agent, framework);
  });

  it.each(CONFORMANCE_CASES)('$name ($path)', async (testCase) => {
    const [plain, traced] = await Promise.all([observe(pair.plain, testCase), observe(pair.traced, testCase)]);
    expect(traced).toEqual(plain);
  });

  it('the traced copy traced every case: one server span each', async () => {
    for (const testCase of CONFORMANCE_CASES) await observe(pair.traced, { ...testCase, path: `${testCase.path}?again` });
    const urls = CONFORMANCE_CASES.map((testCase) => `${testCase.path}?again`);
    const spans = await agent.waitForSpans((all) => urls.every((url) => all.some((s) => s.tags['http.url'] === url && s.tags['span.kind'] === 'server')), 10000);
    for (const url of urls) expect(spans.filter((s) => s.tags['http.url'] === url && s.tags['span.kind'] === 'server')).toHaveLength(1);
  });

  it('fake timers installed and restored mid-run: the same answer, and spans still arrive afterwards (last: it may stall export)', async () => {
    const [plain, traced] = await Promise.all([observe(pair.plain, FAKE_TIMERS_CASE), observe(pair.traced, FAKE_TIMERS_CASE)]);
    expect(traced).toEqual(plain);
    expect((await httpGet(`${pair.traced.url}/json/after-fake-timers`)).status).toBe(200);
    const spans = await agent.waitForSpans((all) => all.some((s) => s.tags['http.url'] === '/json/after-fake-timers'), 8000);
    expect(spans.some((s) => s.tags['http.url'] === '/json/after-fake-timers')).toBe(true);
  });
});

describe('startup with the register', () => {
  it('loads no jaeger-client module before the first span', async () => {
    const run = await runScript(CONFORMANCE_STARTUP, {}, { nodeArgs: REGISTER_ARGS });
    expect(run.code).toBe(0);
    expect(run.output).toContain('JAEGER_CLIENT_MODULES 0');
  });
});
