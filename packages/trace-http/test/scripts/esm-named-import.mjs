/** ESM named imports of the builtin, bound before patch(), see the patched functions (syncBuiltinESMExports). */
import { get } from 'node:http';
import core from '@spanwise/trace-core';
import traceHttp from '@spanwise/trace-http';

traceHttp.patch();
const root = core.getTracer().startSpan('esm-root');
core.withSpan(root, () => {
  get(process.env.TARGET, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => (body += chunk));
    res.on('end', async () => {
      root.finish();
      process.stdout.write(`ECHO ${body}\n`);
      await core.flush();
    });
  });
});
