import { execFileSync, spawn } from 'child_process';
import * as path from 'path';
import { createReporter, DEFAULTS, SpanwiseReporter, UdpSender, type JaegerSpanLike, type ReporterConfig } from '../../src/export';
import { burst, captureLogger, jaeger, memoryTracer, startReceiver, tracerWith, waitFor } from './helpers';

const pkgDir = path.resolve(__dirname, '../..');
const repoRoot = path.resolve(pkgDir, '../..');

describe('SpanwiseReporter lifecycle', () => {
  test('works as jaeger-client initTracer options.reporter; close() delivers everything pending', async () => {
    const rx = await startReceiver();
    try {
      const reporter = createReporter({ agentPort: rx.port, flushIntervalMs: 60000, logger: captureLogger().logger });
      expect(reporter.name()).toBe('SpanwiseReporter');
      const tracer = jaeger.initTracer(
        { serviceName: 'init-svc', sampler: { type: 'const', param: 1 } },
        { reporter, logger: { info() {}, error() {} } },
      );
      burst(tracer, 777);
      // nothing sent yet: the open packet is neither full nor due
      expect(reporter.stats().packets).toBe(0);
      await new Promise<void>((resolve) => tracer.close(resolve)); // jaeger-client calls reporter.close(cb)
      await waitFor(() => rx.spans.length >= 777, 5000, '777 spans');
      expect(rx.spans.length).toBe(777);
      expect(rx.batches[0].process.serviceName).toBe('init-svc');
      expect(reporter.stats()).toMatchObject({ reported: 777, sent: 777, pending: { spans: 0, bytes: 0 } });
      // after close: counted, not thrown
      expect(() => reporter.report({} as JaegerSpanLike)).not.toThrow();
      expect(reporter.stats().dropped.queueFull).toBe(1);
      await reporter.close(); // idempotent
    } finally {
      await rx.close();
    }
  });

  test('flush() (promise and callback forms) and the interval deliver partial packets', async () => {
    const rx = await startReceiver();
    const reporter = createReporter({ agentPort: rx.port, flushIntervalMs: 50, logger: captureLogger().logger });
    try {
      const tracer = tracerWith(reporter);
      burst(tracer, 3);
      await new Promise<void>((resolve) => reporter.flush(() => resolve()));
      await waitFor(() => rx.spans.length === 3, 2000, 'flushed spans');
      burst(tracer, 2);
      // no explicit flush: the unref'd interval timer ships it
      await waitFor(() => rx.spans.length === 5, 2000, 'interval flush');
      await reporter.flush(); // nothing pending resolves immediately
    } finally {
      await reporter.close();
      await rx.close();
    }
  });

  test('spans reported before setProcess() are kept and sent once the process is known', async () => {
    const rx = await startReceiver();
    const reporter = createReporter({ agentPort: rx.port, logger: captureLogger().logger });
    try {
      const { tracer: memTracer, reporter: mem } = memoryTracer();
      burst(memTracer, 5);
      for (const s of mem.spans) reporter.report(s);
      await new Promise((r) => setTimeout(r, 20));
      expect(rx.spans.length).toBe(0);
      reporter.setProcess('late-svc', [{ key: 'k', value: 'v' }]);
      await reporter.flush();
      await waitFor(() => rx.spans.length === 5, 2000, 'late spans');
      expect(rx.batches[0].process.serviceName).toBe('late-svc');
      memTracer.close();
    } finally {
      await reporter.close();
      await rx.close();
    }
  });

  test('config validation names the bad setting', () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ agentPort: 70000 }, /agentPort/],
      [{ agentPort: 'x' }, /agentPort/],
      [{ agentHost: '' }, /agentHost/],
      [{ maxPacketSize: 70000 }, /maxPacketSize/],
      [{ maxPacketSize: 100 }, /maxPacketSize/],
      [{ flushIntervalMs: 0 }, /flushIntervalMs/],
      [{ maxQueueSpans: -1 }, /maxQueueSpans/],
      [{ maxQueueBytes: 1.5 }, /maxQueueBytes/],
      [{ endpoint: 'not a url' }, /endpoint/],
      [{ endpoint: 'ftp://x/y' }, /endpoint/],
      [{ endpoint: 'http://c:14268/api/traces', timeoutMs: 0 }, /timeoutMs/],
      [{ endpoint: 'http://c:14268/api/traces', maxRetries: -1 }, /maxRetries/],
      [{ endpoint: 'http://c:14268/api/traces', user: 'u' }, /user\/password/],
      [{ endpoint: 'http://c:14268/api/traces', user: 'u', password: 'p', token: 't' }, /token/],
      [{ logger: { info() {} } }, /logger/],
    ];
    for (const [config, re] of bad) expect(() => createReporter(config as ReporterConfig)).toThrow(re);
    // HTTP allows bigger messages than UDP
    const ok = createReporter({ endpoint: 'http://127.0.0.1:1/api/traces', maxPacketSize: 4 * 1024 * 1024 });
    expect(ok).toBeInstanceOf(SpanwiseReporter);
    return ok.close();
  });

  test('defaults', () => {
    expect(DEFAULTS).toMatchObject({
      agentHost: '127.0.0.1',
      agentPort: 6832,
      udpMaxPacketSize: 65000,
      flushIntervalMs: 1000,
      maxQueueSpans: 10000,
    });
    const s = new UdpSender();
    expect([s.host, s.port]).toEqual(['127.0.0.1', 6832]);
    s.close();
  });

  test('the flush timer does not keep a process alive; pending spans are still delivered on natural exit', async () => {
    execFileSync(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-b', pkgDir], {
      cwd: repoRoot,
      stdio: 'pipe',
    });
    const rx = await startReceiver();
    try {
      const script = `
        const jaeger = require('jaeger-client');
        const { createReporter } = require(${JSON.stringify(path.join(pkgDir, 'dist/export'))});
        const reporter = createReporter({ agentPort: ${rx.port} });
        const tracer = jaeger.initTracer(
          { serviceName: 'exit-svc', sampler: { type: 'const', param: 1 } },
          { reporter, logger: { info() {}, error() {} } });
        for (let i = 0; i < 1234; i++) {
          const s = tracer.startSpan('work');
          s.setTag('i', i);
          s.finish();
        }
        // no close(), no flush(): the script just ends
      `;
      const started = Date.now();
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, ['-e', script], { cwd: pkgDir, stdio: ['ignore', 'inherit', 'inherit'] });
        const killer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error('child did not exit by itself within 10 s'));
        }, 10000);
        child.on('exit', (c) => {
          clearTimeout(killer);
          resolve(c);
        });
      });
      expect(code).toBe(0);
      expect(Date.now() - started).toBeLessThan(5000);
      await waitFor(() => rx.spans.length >= 1234, 2000, 'spans from the child');
      expect(rx.spans.length).toBe(1234);
      expect(rx.batches[0].process.serviceName).toBe('exit-svc');
    } finally {
      await rx.close();
    }
  });
});
