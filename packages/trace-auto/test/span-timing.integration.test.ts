import { httpGet, startApp, tracingEnv, useAgent } from '../../../test-support';
import { clientSpans, script, serverSpans, withRegister } from './helpers';

/**
 * Spans of two processes on one machine line up: the downstream server span ends when its response is finished
 * (not at the later 'close'), and both processes time spans from a sub-millisecond wall-clock origin, so a server
 * span lies inside the client span that called it. Read from the UDP packets of both processes.
 */
describe('cross-process span timing', () => {
  const agent = useAgent({ scope: 'test' });

  it('a downstream server span starts after and ends before the client span that called it, even when the server stays busy after answering', async () => {
    const downstream = await startApp(script('timing-app.js'), tracingEnv(agent, 'downstream', { BUSY_MS: '30' }), withRegister);
    const front = await startApp(script('timing-app.js'), tracingEnv(agent, 'front', { DOWNSTREAM_URL: `${downstream.url}/busy` }), withRegister);
    const calls = 20;
    for (let i = 0; i < calls; i++) expect(await httpGet(`${front.url}/call`)).toMatchObject({ status: 200 });
    const spans = await agent.waitForSpans(
      (all) => serverSpans(all).filter((s) => s.serviceName === 'downstream').length >= calls && clientSpans(all).filter((s) => s.serviceName === 'front').length >= calls,
      10000,
    );
    const clients = clientSpans(spans).filter((s) => s.serviceName === 'front');
    const outliving: string[] = [];
    for (const server of serverSpans(spans).filter((s) => s.serviceName === 'downstream')) {
      const client = clients.find((c) => c.spanId === server.parentSpanId);
      expect(client).toBeDefined();
      const startGap = server.startTime - client!.startTime;
      const endGap = client!.startTime + client!.duration - (server.startTime + server.duration);
      if (startGap < 0 || endGap < 0) outliving.push(`server starts ${startGap} µs after and ends ${endGap} µs before its client span`);
    }
    expect(outliving).toEqual([]);
  });
});
