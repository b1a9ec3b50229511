/** The test kit itself: process spawning, the receiver hooks, span queries and the marker proof. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { flush, getTracer, init, shutdown } from '@spanwise/trace-core';
import { childrenOf, errorLog, onlyChildOf, requestSpan, requireErrorLog, spansUntilMarker, spawnListening, useAgent, type DecodedSpan } from '..';

function writeScript(body: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'spanwise-kit-')), 'app.js');
  fs.writeFileSync(file, body);
  return file;
}

const span = (operationName: string, spanId: string, parentSpanId = '0000000000000000', logs: DecodedSpan['logs'] = []): DecodedSpan => ({
  traceId: 't1',
  spanId,
  parentSpanId,
  operationName,
  serviceName: 'kit',
  processTags: {},
  flags: 1,
  startTime: 0,
  duration: 0,
  tags: {},
  logs,
  references: [],
});

describe('spawnListening', () => {
  it('resolves with the port of the LISTENING line, the output so far, and stops the process', async () => {
    const script = writeScript("console.error('starting'); const s = require('http').createServer((q, r) => r.end('hi')); s.listen(0, '127.0.0.1', () => console.log('LISTENING ' + s.address().port));");
    const app = await spawnListening(process.execPath, [script], { env: { PATH: process.env.PATH ?? '' } });
    expect(app.url).toBe(`http://127.0.0.1:${app.port}`);
    expect(await (await fetch(app.url)).text()).toBe('hi');
    expect(app.output()).toContain('starting');
    expect(await app.stop()).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('rejects with the output when the process exits before listening', async () => {
    const script = writeScript("console.log('no port for me'); process.exit(3);");
    await expect(spawnListening(process.execPath, [script], { env: {}, name: 'quitter' })).rejects.toThrow(/quitter exited \(code 3, signal null\) before listening\. Output:\nno port for me/);
  });

  it('kills a process that does not listen in time', async () => {
    const script = writeScript("console.log('still thinking'); setInterval(() => {}, 1000);");
    await expect(spawnListening(process.execPath, [script], { env: {}, timeoutMs: 5000, name: 'slow' })).rejects.toThrow(/slow did not print LISTENING within 5000 ms\. Output:\nstill thinking/);
  });

  it('passes exactly the given environment', async () => {
    const script = writeScript("const s = require('http').createServer(); s.listen(0, () => console.log('ENV ' + JSON.stringify(Object.keys(process.env).filter((k) => k.startsWith('KIT_'))) + ' LISTENING ' + s.address().port));");
    process.env.KIT_FROM_TEST = 'leaks?';
    try {
      const app = await spawnListening(process.execPath, [script], { env: { KIT_GIVEN: '1' } });
      expect(app.output()).toContain('ENV ["KIT_GIVEN"]');
      await app.stop();
    } finally {
      delete process.env.KIT_FROM_TEST;
    }
  });
});

describe('useAgent', () => {
  const agent = useAgent({ clearBeforeEach: true });

  it('is the running receiver inside tests; spansUntilMarker resolves with all but the marker once it arrived', async () => {
    expect(agent.port).toBeGreaterThan(0);
    init({ serviceName: 'kit', flushOnExit: false, reporter: { agentHost: '127.0.0.1', agentPort: agent.port, flushIntervalMs: 50 } });
    try {
      getTracer().startSpan('before').finish();
      const sendMarker = () => {
        getTracer().startSpan('marker').finish();
        return flush();
      };
      const spans = await spansUntilMarker(agent, sendMarker, (s) => s.operationName === 'marker');
      expect(spans.map((s) => s.operationName)).toEqual(['before']);
    } finally {
      await shutdown();
    }
  });

  it('starts each test with no spans (clearBeforeEach)', () => {
    expect(agent.spans).toEqual([]);
  });
});

describe('useAgent outside tests', () => {
  const agent = useAgent();
  const outside = (() => {
    try {
      return String(agent.port);
    } catch (error) {
      return (error as Error).message;
    }
  })();
  it('reading it while the describe block is collected throws a clear error', () => {
    expect(outside).toMatch(/useAgent\(\): the receiver exists only inside tests and hooks/);
  });
});

describe('span queries', () => {
  const root = span('request', 'a1');
  const error = { timestamp: 0, fields: { event: 'error', message: 'boom' } };
  const spans = [root, span('child-1', 'b1', 'a1', [error]), span('child-2', 'b2', 'a1'), span('grandchild', 'c1', 'b1'), span('twice', 'd1'), span('twice', 'd2')];

  it('requestSpan finds the one span of a name and names what it found otherwise', () => {
    expect(requestSpan(spans, 'request')).toBe(root);
    expect(() => requestSpan(spans, 'twice')).toThrow(/expected exactly one span named twice, got 2/);
    expect(() => requestSpan(spans, 'none')).toThrow(/got 0/);
  });

  it('childrenOf / onlyChildOf', () => {
    expect(childrenOf(spans, root).map((s) => s.operationName)).toEqual(['child-1', 'child-2']);
    expect(onlyChildOf(spans, spans[1]).operationName).toBe('grandchild');
    expect(() => onlyChildOf(spans, root)).toThrow(/expected one child of request, got 2/);
  });

  it('errorLog / requireErrorLog', () => {
    expect(errorLog(spans[1])).toEqual({ event: 'error', message: 'boom' });
    expect(errorLog(root)).toBeUndefined();
    expect(() => requireErrorLog(root)).toThrow(/span request has no error log/);
  });
});
