/** `npm run demo -- --ui`: the demo's traces are served by the viewer, which stays open until Ctrl-C (SIGINT). */
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import { ROOT } from '../../../test-support';

let demo: ChildProcess | undefined;
afterEach(() => {
  if (demo && demo.exitCode === null && demo.signalCode === null) demo.kill('SIGKILL');
});

test('the viewer shows the demo\'s traces after its requests and closes on SIGINT', async () => {
  const proc = spawn(process.execPath, [path.join(ROOT, 'scripts/demo.js'), '--ui', '--ui-port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  demo = proc;
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not say the viewer stays open:\n${out}`)), 150_000);
    proc.stdout!.on('data', () => {
      const m = /The trace viewer stays open on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then(() => reject(new Error(`the demo exited:\n${out}`)));
  });
  expect(out).toMatch(new RegExp(`Trace viewer on ${url.replace(/[/.]/g, '\\$&')} \\(local only, no authentication\\)`));

  const { traces } = (await (await fetch(`${url}api/traces`)).json()) as { traces: { rootService: string; rootOperation: string; spanCount: number; services: string[] }[] };
  const storefront = traces.find((t) => t.rootService === 'storefront' && t.rootOperation === 'GET /fanout');
  expect(storefront).toMatchObject({ spanCount: 5, services: ['catalog', 'storefront', 'users-service'] });
  expect(traces.map((t) => `${t.rootService} ${t.rootOperation}`)).toEqual(expect.arrayContaining(['gateway GET /fanout', 'gateway GET /error', 'search-service GET /search']));
  expect(await (await fetch(url)).text()).toMatch(/<title>Spanwise traces<\/title>/);

  await new Promise((r) => setTimeout(r, 500));
  expect(proc.exitCode).toBeNull(); // still open
  proc.kill('SIGINT');
  expect(await exited).toBe(0);
}, 180_000);
