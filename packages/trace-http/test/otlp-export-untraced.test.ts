import * as path from 'path';
import { runScript, useAgent } from '../../../test-support';

const agent = useAgent({ scope: 'test', otlpPort: 0 });

test("the OTLP exporter's own requests are never traced, even with http patched first and requireParent false", async () => {
  const result = await runScript(path.join(__dirname, 'scripts/otlp-export-untraced.js'), { OTLP_URL: `http://127.0.0.1:${agent.otlpPort}/v1/traces` });
  expect(result.code).toBe(0);
  await agent.waitForSpans(3, 5000);
  await new Promise((r) => setTimeout(r, 300));
  expect(agent.spans.map((s) => s.operationName).sort()).toEqual(['work-0', 'work-1', 'work-2']);
});
