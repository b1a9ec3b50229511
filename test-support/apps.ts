/** Real processes for integration tests: test-apps started until they listen, scripts run to completion. */
import { spawn } from 'child_process';
import * as path from 'path';
import type { AgentReceiver } from '@spanwise/agent';
import { spawnListening, type ListeningProcess } from './processes';

export const ROOT = path.resolve(__dirname, '..');

/** A test-app started by startApp (stopped by stopAllApps). */
export type RunningApp = ListeningProcess;

/** Environment that points a process's tracer at `agent`, flushing fast. */
export function tracingEnv(agent: AgentReceiver, serviceName: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    JAEGER_SERVICE_NAME: serviceName,
    JAEGER_AGENT_HOST: '127.0.0.1',
    JAEGER_AGENT_PORT: String(agent.port),
    JAEGER_REPORTER_FLUSH_INTERVAL: '50',
    ...extra,
  };
}

const running = new Set<RunningApp>();

/**
 * Spawn `node script` and wait until it prints `LISTENING <port>` (every test-app does, on stdout).
 * Fails loudly with the process output if it exits or does not listen in time.
 */
export async function startApp(script: string, env: Record<string, string> = {}, options: { args?: string[]; nodeArgs?: string[]; timeoutMs?: number; cwd?: string } = {}): Promise<RunningApp> {
  const scriptPath = path.isAbsolute(script) ? script : path.join(ROOT, script);
  const app = await spawnListening(process.execPath, [...(options.nodeArgs ?? []), scriptPath, ...(options.args ?? [])], {
    cwd: options.cwd ?? path.dirname(scriptPath),
    env: { ...cleanEnv(), PORT: '0', ...env },
    timeoutMs: options.timeoutMs,
    name: script,
  });
  running.add(app);
  void app.exited.then(() => running.delete(app));
  return app;
}

/** Stop every app started by startApp that is still running (call in afterAll/afterEach). */
export async function stopAllApps(): Promise<void> {
  await Promise.all([...running].map((app) => app.stop('SIGKILL')));
}

/** Run a node script to completion (for scripts that exit by themselves). */
export function runScript(script: string, env: Record<string, string> = {}, options: { timeoutMs?: number; nodeArgs?: string[]; cwd?: string } = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string; ms: number }> {
  const started = Date.now();
  const scriptPath = path.isAbsolute(script) ? script : path.join(ROOT, script);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), scriptPath], { cwd: options.cwd ?? path.dirname(scriptPath), env: { ...cleanEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not exit within ${options.timeoutMs ?? 15000} ms. Output:\n${out}`));
    }, options.timeoutMs ?? 15000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output: out, ms: Date.now() - started });
    });
  });
}

/** The environment without variables that would change how the child traces (the test sets its own). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('JAEGER_') || key.startsWith('SPANWISE_') || key.startsWith('OTEL_') || key === 'NODE_OPTIONS') delete env[key];
  return env;
}

/** Plain HTTP GET with Node's http client (never traced in the test process). */
export async function httpGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const http = await import('http');
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
  });
}
