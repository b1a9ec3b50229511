/**
 * The log correlation suite every logger package runs (pino, winston, bunyan): its scenario script in a real
 * process per library major, the log lines read from the process's stdout, the ids compared with the span
 * decoded from the UDP packets the process sent.
 */
import * as path from 'path';
import { ROOT, runScript, tracingEnv, useAgent, type DecodedSpan } from '.';

export interface LoggerSuite {
  /** The library as required: `pino`. */
  module: string;
  /** The adapter package: `@spanwise/trace-pino`. */
  adapter: string;
  script: string;
  /** The record's message field: `msg` or `message`. */
  messageKey: string;
  fixtures: Array<[name: string, dir: string, version: RegExp]>;
}

type LogRecord = Record<string, unknown>;
const FIELDS = ['trace_id', 'span_id', 'trace_flags'];

export function logCorrelationSuite(suite: LoggerSuite): void {
  const agent = useAgent({ clearBeforeEach: true });

  async function run(fixture: string, env: Record<string, string> = {}, nodeArgs: string[] = []) {
    const { code, output } = await runScript(
      suite.script,
      { ...tracingEnv(agent, `${suite.module}-test`), FIXTURE_DIR: path.join(ROOT, fixture), MODULE: suite.module, ADAPTER: suite.adapter, ...env },
      { timeoutMs: 30000, nodeArgs },
    );
    const resultLine = output.split('\n').find((l) => l.startsWith('RESULT '));
    if (code !== 0 || !resultLine) throw new Error(`${suite.script} failed (exit ${code}):\n${output}`);
    const lines = output.split('\n').filter((l) => l.startsWith('{'));
    const records = new Map<string, { record: LogRecord; raw: string }>();
    for (const raw of lines) {
      const record = JSON.parse(raw) as LogRecord;
      records.set(String(record[suite.messageKey]), { record, raw });
    }
    const [span] = (await agent.waitForSpans((spans) => spans.some((s) => s.operationName === 'logging-request'), 10000)).filter((s) => s.operationName === 'logging-request');
    return { result: JSON.parse(resultLine.slice('RESULT '.length)) as Record<string, unknown>, records, span, output };
  }

  function recordOf(records: Map<string, { record: LogRecord; raw: string }>, message: string): LogRecord {
    const found = records.get(message);
    if (!found) throw new Error(`no log record "${message}" in ${JSON.stringify([...records.keys()])}`);
    return found.record;
  }

  function expectIdsOf(record: LogRecord, span: DecodedSpan, names = { traceId: 'trace_id', spanId: 'span_id', traceFlags: 'trace_flags' }): void {
    expect(record[names.traceId]).toBe(span.traceId.padStart(32, '0'));
    expect(record[names.traceId]).toMatch(/^[0-9a-f]{32}$/);
    expect(record[names.spanId]).toBe(span.spanId.padStart(16, '0'));
    expect(record[names.spanId]).toMatch(/^[0-9a-f]{16}$/);
    expect(record[names.traceFlags]).toBe('01');
  }

  const withoutFields = (record: LogRecord) => FIELDS.filter((f) => f in record);

  describe.each(suite.fixtures)('%s', (_name, fixture, version) => {
    it('puts the active span ids on each record (as the backend shows them), only while a span is active, never over the app fields', async () => {
      const { result, records, span, output } = await run(fixture, { SCENARIO: 'patch' });
      expect(result.version).toMatch(version);
      expect(output).not.toContain('is outside the versions');
      expect(result.patched).toEqual([`${suite.module}@${result.version}`]);
      expect(withoutFields(recordOf(records, 'outside'))).toEqual([]);
      expectIdsOf(recordOf(records, 'inside'), span);
      const withObject = recordOf(records, 'inside-with-object');
      expectIdsOf(withObject, span);
      expect(withObject.user).toBe('u1');
      expect(result.ownKeysUnchanged).toBe(true);
      const appOwn = recordOf(records, 'app-trace-id');
      expect(appOwn.trace_id).toBe('set-by-app');
      expect(appOwn.detail).toBe(1);
      expect(appOwn.span_id).toBe(span.spanId.padStart(16, '0'));
      const child = records.get('child-bound')!;
      expect(child.record.trace_id).toBe('bound-by-app');
      expect(child.raw.match(/"trace_id"/g)).toHaveLength(1);
      expect(withoutFields(recordOf(records, 'after-unpatch'))).toEqual([]);
    });

    it('uses the field names given to patch(), and 128-bit trace ids in full', async () => {
      const fields = { traceId: 'traceId', spanId: 'spanId', traceFlags: 'flags' };
      const { records, span } = await run(fixture, { SCENARIO: 'patch', TRACE_OPTIONS: JSON.stringify({ fields }), SPANWISE_TRACEID_128BIT: 'true' });
      expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
      const record = recordOf(records, 'inside');
      expectIdsOf(record, span, fields);
      expect(withoutFields(record)).toEqual([]);
    });

    it('is on under the register, and off when SPANWISE_DISABLED_INSTRUMENTATIONS names the library', async () => {
      const register = ['-r', '@spanwise/trace-auto/register'];
      const on = await run(fixture, { SCENARIO: 'register' }, register);
      expectIdsOf(recordOf(on.records, 'inside'), on.span);
      agent.clear();
      const off = await run(fixture, { SCENARIO: 'register', SPANWISE_DISABLED_INSTRUMENTATIONS: suite.module }, register);
      expect(withoutFields(recordOf(off.records, 'inside'))).toEqual([]);
    });
  });
}
