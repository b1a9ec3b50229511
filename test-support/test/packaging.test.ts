/**
 * The packages as a team installs them: every package packed, served by a stand-in registry for the @spanwise
 * scope (everything else comes from the npm registry), installed into apps outside the workspace; one app runs
 * under the register, one with explicit middleware, and their spans are decoded from the UDP packets they send.
 * A single adapter installed alone pulls a matching core.
 */
import { execFile } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { httpGet, startApp, tracingEnv, useAgent } from '..';

const { packAll, verifyTarball } = require('../../scripts/packages') as {
  packAll(dir: string): Array<Pack & { files: string[] }>;
  verifyTarball(pack: Pack, all: Pack[]): string[];
};
const run = promisify(execFile);

interface Pack {
  name: string;
  version: string;
  dir: string;
  tarball: string;
}

/** Answers npm's packument and tarball requests for the packed @spanwise packages. */
async function startScopeRegistry(packs: Pack[]): Promise<{ url: string; requested: Set<string>; close(): Promise<void> }> {
  const requested = new Set<string>();
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? '/');
    const tarball = packs.find((p) => url === `/tarballs/${path.basename(p.tarball)}`);
    if (tarball) return res.end(fs.readFileSync(tarball.tarball));
    const pack = packs.find((p) => url === `/${p.name}`);
    if (!pack) {
      res.statusCode = 404;
      return res.end('{}');
    }
    requested.add(pack.name);
    const manifest = JSON.parse(fs.readFileSync(path.join(pack.dir, 'package.json'), 'utf8'));
    const bytes = fs.readFileSync(pack.tarball);
    const dist = {
      tarball: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tarballs/${path.basename(pack.tarball)}`,
      integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
      shasum: createHash('sha1').update(bytes).digest('hex'),
    };
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ name: pack.name, 'dist-tags': { latest: pack.version }, versions: { [pack.version]: { ...manifest, _id: `${pack.name}@${pack.version}`, dist } } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, requested, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const EXPRESS_APP = `'use strict';
const express = require('express');
const app = express();
if (process.env.EXPLICIT === '1') {
  require('@spanwise/trace-core').init({ serviceName: process.env.JAEGER_SERVICE_NAME });
  app.use(require('@spanwise/trace-express').traceMiddleware());
}
app.get('/users/:id', (req, res) => res.json({ id: req.params.id }));
const server = app.listen(0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port));
`;

describe('packed packages installed outside the workspace', () => {
  let work: string;
  let packs: Pack[];
  let registry: Awaited<ReturnType<typeof startScopeRegistry>>;
  const agent = useAgent();

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'spanwise-packaging-'));
    packs = packAll(path.join(work, 'tarballs'));
    registry = await startScopeRegistry(packs);
  }, 180000);

  afterAll(async () => {
    await registry?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  async function npmInstall(dir: string, specs: string[]): Promise<void> {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: path.basename(dir), private: true, version: '1.0.0' }));
    const args = ['install', ...specs, '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', `--@spanwise:registry=${registry.url}`];
    await run('npm', args, { cwd: dir, env: { ...process.env, npm_config_workspaces: '' }, timeout: 240000 });
  }

  function installed(dir: string, name: string): string {
    return JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
  }

  it('an Express app under the register, and one with explicit middleware, send their spans', async () => {
    const app = path.join(work, 'express-app');
    await npmInstall(app, ['@spanwise/trace-auto@0.1.0', '@spanwise/trace-express@0.1.0', 'express@5']);
    fs.writeFileSync(path.join(app, 'server.js'), EXPRESS_APP);
    expect(fs.realpathSync(path.join(app, 'node_modules', '@spanwise', 'trace-core'))).toContain(app);

    const registered = await startApp(path.join(app, 'server.js'), tracingEnv(agent, 'packed-register'), { nodeArgs: ['-r', '@spanwise/trace-auto/register'], cwd: app });
    expect((await httpGet(`${registered.url}/users/7`)).body).toBe('{"id":"7"}');
    const explicit = await startApp(path.join(app, 'server.js'), tracingEnv(agent, 'packed-explicit', { EXPLICIT: '1' }), { cwd: app });
    expect((await httpGet(`${explicit.url}/users/8`)).body).toBe('{"id":"8"}');

    const spans = await agent.waitForSpans((s) => ['packed-register', 'packed-explicit'].every((name) => s.some((span) => span.serviceName === name)), 15000);
    for (const [service, url] of [['packed-register', '/users/7'], ['packed-explicit', '/users/8']]) {
      const span = spans.find((s) => s.serviceName === service)!;
      expect(span).toMatchObject({ operationName: 'GET /users/:id' });
      expect(span.tags).toMatchObject({ 'span.kind': 'server', 'http.url': url, 'http.status_code': 200, component: 'express' });
    }
  }, 300000);

  it('every tarball is ready to publish: README, LICENSE, CHANGELOG, typings without internals, no maps, internal ranges in step', () => {
    const problems = packs.flatMap((pack) => verifyTarball(pack, packs).map((problem) => `${pack.name}: ${problem}`));
    expect(problems).toEqual([]);
    expect(packs.map((p) => p.name)).toEqual(expect.arrayContaining(['@spanwise/trace-core', '@spanwise/trace-auto', '@spanwise/trace-pino', '@spanwise/agent']));
  });

  it('one adapter installed alone pulls a matching core from the registry', async () => {
    const app = path.join(work, 'adapter-alone');
    await npmInstall(app, ['@spanwise/trace-ioredis']);
    const core = packs.find((p) => p.name === '@spanwise/trace-core')!;
    expect(installed(app, '@spanwise/trace-ioredis')).toBe(packs.find((p) => p.name === '@spanwise/trace-ioredis')!.version);
    expect(installed(app, '@spanwise/trace-core')).toBe(core.version);
    expect(fs.readdirSync(path.join(app, 'node_modules', '@spanwise')).sort()).toEqual(['trace-core', 'trace-ioredis']);
    expect(registry.requested.has('@spanwise/trace-core')).toBe(true);
    const { stdout } = await run(process.execPath, ['-e', "const t = require('@spanwise/trace-ioredis'); t.patch(); console.log(typeof require('@spanwise/trace-core').traceFields)"], { cwd: app });
    expect(stdout.trim()).toBe('function');
  }, 300000);
});
