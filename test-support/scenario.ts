/**
 * The scenario protocol, test side. A scenario script (see scenario-app.js) drives a library in a real process,
 * each step under a root span of its own, and prints `RESULT <json>` with what the app itself observed.
 */
import { runScript } from './apps';

/** Runs `script` with `env` (SCENARIO, fixture, servers, tracingEnv) and returns its RESULT; throws with its output when it fails. */
export async function runScenario<T = Record<string, unknown>>(script: string, env: Record<string, string>, timeoutMs = 30000): Promise<T> {
  const { code, output } = await runScript(script, env, { timeoutMs });
  const line = output.split('\n').find((l) => l.startsWith('RESULT '));
  if (code !== 0 || !line) throw new Error(`scenario ${env.SCENARIO ?? script} failed (exit ${code}):\n${output}`);
  return JSON.parse(line.slice('RESULT '.length)) as T;
}
