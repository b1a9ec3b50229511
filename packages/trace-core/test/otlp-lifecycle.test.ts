import * as path from 'path';
import { httpGet, runScript, startApp, useAgent, type AgentReceiver } from '../../../test-support';

const script = (name: string) => path.join(__dirname, 'processes', name);

/** Export over OTLP/HTTP to the agent's OTLP port only, with a flush interval too long to matter. */
const otlpEnv = (agent: AgentReceiver, serviceName: string, extra: Record<string, string> = {}): Record<string, string> => ({
  JAEGER_SERVICE_NAME: serviceName,
  OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${agent.otlpPort}`,
  JAEGER_REPORTER_FLUSH_INTERVAL: '60000',
  ...extra,
});

describe('OTLP export in real processes: flush at exit and on signals', () => {
  const agent = useAgent({ scope: 'test', otlpPort: 0 });

  it.each(['http/protobuf', 'http/json'])('a short script exits by itself, promptly, with every span delivered (%s)', async (protocol) => {
    const result = await runScript(script('short-script.js'), otlpEnv(agent, 'short-otlp', { SPAN_COUNT: '25', OTEL_EXPORTER_OTLP_PROTOCOL: protocol }));
    expect(result.code).toBe(0);
    expect(result.ms).toBeLessThan(8000);
    const spans = await agent.waitForSpans(25, 5000);
    expect(spans.map((s) => s.operationName).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `work-${i}`).sort());
    expect(spans[0].serviceName).toBe('short-otlp');
    expect(agent.packets).toBe(0);
  });

  it('SIGTERM without an app handler: spans delivered over OTLP, the process dies of the signal as usual', async () => {
    const app = await startApp(script('signal-server.js'), otlpEnv(agent, 'sig-otlp'));
    await httpGet(`${app.url}/one`);
    await httpGet(`${app.url}/two`);
    expect(await app.stop('SIGTERM')).toEqual({ code: null, signal: 'SIGTERM' });
    const spans = await agent.waitForSpans(2, 5000);
    expect(spans.map((s) => s.operationName).sort()).toEqual(['request /one', 'request /two']);
  });

  it('a bad OTLP setting fails at startup with a one-line message naming the variable', async () => {
    const result = await runScript(script('short-script.js'), otlpEnv(agent, 'bad', { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }));
    expect(result.output).toMatch(/OTEL_EXPORTER_OTLP_PROTOCOL must be http\/protobuf or http\/json/);
  });
});
