/**
 * Every code block marked runnable in README.md and docs/*.md (info string `js runnable`, or `mjs runnable` for
 * ESM; `request=/path` sends that request once the snippet's server listens) is extracted and run as written in
 * a real process, reporting to a local receiver: a snippet that stops working fails here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, runScript, tracingEnv, useAgent } from '..';

interface Snippet {
  doc: string;
  line: number;
  code: string;
  esm: boolean;
  request?: string;
  /** `spans`: the snippet must send at least one span. */
  expectSpans: boolean;
}

const FENCE = /^```(js|mjs)\s+runnable\b([^\n]*)\n([\s\S]*?)^```$/gm;

function snippetsOf(doc: string): Snippet[] {
  const text = fs.readFileSync(path.join(ROOT, doc), 'utf8');
  const found: Snippet[] = [];
  for (const match of text.matchAll(FENCE)) {
    const attributes = match[2];
    const request = /\brequest=(\S+)/.exec(attributes)?.[1];
    found.push({
      doc,
      line: text.slice(0, match.index).split('\n').length,
      code: match[3],
      esm: match[1] === 'mjs' || /\besm\b/.test(attributes),
      request,
      expectSpans: request !== undefined || /\bspans\b/.test(attributes),
    });
  }
  return found;
}

const DOCS = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const SNIPPETS = DOCS.flatMap(snippetsOf);
/** Inside the repository, so the snippets' `require`s resolve to the workspace packages and libraries. */
const RUN_DIR = path.join(ROOT, '.docs-run');

describe('runnable docs snippets', () => {
  const agent = useAgent();
  beforeAll(async () => {
    fs.mkdirSync(RUN_DIR, { recursive: true });
  });

  it('there are runnable snippets in the README and the docs', () => {
    expect(SNIPPETS.filter((s) => s.doc === 'README.md').length).toBeGreaterThanOrEqual(2);
    expect(new Set(SNIPPETS.map((s) => s.doc)).size).toBeGreaterThanOrEqual(6);
  });

  it.each(SNIPPETS.map((s) => [`${s.doc}:${s.line}`, s] as const))('%s runs as written', async (name, snippet) => {
    const file = path.join(RUN_DIR, `${name.replace(/[^a-z0-9]+/gi, '-')}.${snippet.esm ? 'mjs' : 'js'}`);
    fs.writeFileSync(file, snippet.code);
    const service = `docs-${name.replace(/[^a-z0-9]+/gi, '-')}`;
    const env = tracingEnv(agent, service, snippet.request ? { DOCS_REQUEST: snippet.request } : {});
    const result = await runScript(file, env, { timeoutMs: 30000, nodeArgs: ['-r', path.join(ROOT, 'test-support', 'docs-harness.js')] });
    if (result.code !== 0) throw new Error(`${name} exited with ${result.code}:\n${result.output}`);
    if (snippet.request) expect(result.output).toMatch(/DOCS_STATUS [23]\d\d/);
    if (snippet.expectSpans) await agent.waitForSpans((spans) => spans.some((s) => s.serviceName === service), 10000);
  });
});
