#!/usr/bin/env node
/**
 * spanwise-agent: a local Jaeger agent for development. Receives jaeger-client spans over UDP (and
 * optionally HTTP), prints each trace's waterfall once it is complete and can save Jaeger UI JSON.
 */
import * as fs from 'fs';
import * as path from 'path';
import { startAgent, type AgentReceiver } from './receiver';
import { renderWaterfall } from './waterfall';
import { toJaegerJson } from './jaeger-json';
import { fromJaegerJson } from './jaeger-import';
import { TraceStore } from './store';
import type { Trace } from './types';
import { DEFAULT_VIEWER_PORT, startViewer, type Viewer } from './ui/server';

export interface CliOptions {
  host: string;
  port: number;
  collectorPort?: number;
  /** OTLP/HTTP port; default 4318, skipped with a warning when taken. `off`: none. */
  otlpPort?: number | 'off';
  out?: string;
  quiet: boolean;
  idleMs: number;
  /** Serve the trace viewer. */
  ui: boolean;
  uiHost: string;
  uiPort: number;
  maxTraces: number;
  maxBytes: number;
  /** Jaeger JSON files to load into the viewer. */
  load: string[];
}

const USAGE = `Usage: spanwise-agent [options]

A local Jaeger agent: receives spans from jaeger-client and prints each trace as a waterfall.

Options:
  --port N             UDP port for Agent.emitBatch (default 6832; 0 = any free port)
  --host HOST          interface to bind (default 127.0.0.1)
  --collector-port N   also accept HTTP POSTs from jaeger-client's collectorEndpoint
                       at http://HOST:N/api/traces (0 = any free port)
  --otlp-port N|off    accept OTLP/HTTP (protobuf or JSON) at http://HOST:N/v1/traces
                       (default 4318, skipped with a warning if that port is taken)
  --out FILE           write all traces as Jaeger UI JSON (Search > "JSON File") to FILE
                       whenever a trace completes and on exit
  --idle-ms N          a trace is complete after N ms without new spans (default 500)
  --quiet              do not print waterfalls
  -h, --help           show this help

Trace viewer (a web page; it has NO authentication):
  --ui                 serve the viewer on http://127.0.0.1:16688/
  --ui-port N          its TCP port (default 16688; 0 = any free port)
  --ui-host HOST       bind the viewer elsewhere than 127.0.0.1 (anyone who can reach it sees every trace)
  --max-traces N       keep at most N traces in memory (default 1000; oldest updated forgotten first)
  --max-bytes N        keep about N bytes of spans in memory (default 64m; suffixes k, m, g)
  --load FILE          load a Jaeger JSON file into the viewer (repeatable)

The first line printed is "spanwise-agent listening on udp://HOST:PORT"; with --ui a later line is
"spanwise-agent viewer on http://HOST:PORT/".`;

class UsageError extends Error {}

function parsePort(name: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new UsageError(`${name} must be an integer from 0 to 65535, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

function parseCount(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return Number(value);
}

const BYTE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

function parseBytes(name: string, value: string): number {
  const m = /^(\d+)([kmg]?)b?$/i.exec(value.trim());
  const bytes = m ? Number(m[1]) * BYTE_UNITS[m[2].toLowerCase()] : NaN;
  if (!(bytes >= 1024 && bytes <= 64 * 1024 ** 3)) throw new UsageError(`${name} must be a size from 1k to 64g (e.g. 262144, 256k, 64m), got ${JSON.stringify(value)}`);
  return bytes;
}

const UI_ONLY = ['--ui-port', '--ui-host', '--max-traces', '--max-bytes', '--load'];

export function parseArgs(argv: readonly string[]): CliOptions | 'help' {
  const opts: CliOptions = { host: '127.0.0.1', port: 6832, quiet: false, idleMs: 500, ui: false, uiHost: '127.0.0.1', uiPort: DEFAULT_VIEWER_PORT, maxTraces: 1000, maxBytes: 64 * 1024 ** 2, load: [] };
  const given = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    given.add(name);
    const takeValue = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--port':
        opts.port = parsePort('--port', takeValue());
        break;
      case '--host': {
        const v = takeValue();
        if (!v) throw new UsageError('--host must not be empty');
        opts.host = v;
        break;
      }
      case '--collector-port':
        opts.collectorPort = parsePort('--collector-port', takeValue());
        break;
      case '--otlp-port': {
        const v = takeValue();
        opts.otlpPort = v === 'off' ? 'off' : parsePort('--otlp-port', v);
        break;
      }
      case '--out': {
        const v = takeValue();
        if (!v) throw new UsageError('--out must not be empty');
        opts.out = path.resolve(v);
        break;
      }
      case '--idle-ms': {
        const v = takeValue();
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 3_600_000) throw new UsageError(`--idle-ms must be an integer from 1 to 3600000, got ${JSON.stringify(v)}`);
        opts.idleMs = Number(v);
        break;
      }
      case '--quiet':
        if (eq > 0) throw new UsageError('--quiet takes no value');
        opts.quiet = true;
        break;
      case '--ui':
        if (eq > 0) throw new UsageError('--ui takes no value');
        opts.ui = true;
        break;
      case '--ui-port':
        opts.uiPort = parsePort('--ui-port', takeValue());
        break;
      case '--ui-host': {
        const v = takeValue();
        if (!v) throw new UsageError('--ui-host must not be empty');
        opts.uiHost = v;
        break;
      }
      case '--max-traces':
        opts.maxTraces = parseCount('--max-traces', takeValue(), 1, 1_000_000);
        break;
      case '--max-bytes':
        opts.maxBytes = parseBytes('--max-bytes', takeValue());
        break;
      case '--load': {
        const v = takeValue();
        if (!v) throw new UsageError('--load must not be empty');
        opts.load.push(path.resolve(v));
        break;
      }
      case '-h':
      case '--help':
        return 'help';
      default:
        throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
    }
  }
  const uiOnly = UI_ONLY.find((o) => given.has(o));
  if (uiOnly && !opts.ui) throw new UsageError(`${uiOnly} needs --ui`);
  return opts;
}

function writeJson(file: string, traces: Trace[]): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(toJaegerJson(traces), null, 2) + '\n');
  fs.renameSync(tmp, file);
}

export async function main(argv: readonly string[]): Promise<void> {
  let opts: CliOptions | 'help';
  try {
    opts = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`spanwise-agent: ${e.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (opts === 'help') {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const { out, quiet, idleMs } = opts;
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const width = Math.max(80, Math.min(process.stdout.columns || 100, 160));

  const pending = new Map<string, NodeJS.Timeout>();
  const printed = new Set<string>();
  let agent: AgentReceiver | undefined;
  // With the viewer, the bounded store holds the traces (the receiver keeps none); otherwise the receiver does.
  const store = opts.ui ? new TraceStore({ maxTraces: opts.maxTraces, maxBytes: opts.maxBytes }) : undefined;
  const allTraces = (): Trace[] => (store ? store.traces() : agent ? agent.traces() : []);
  const findTrace = (traceId: string): Trace | undefined => (store ? store.get(traceId) : agent?.traces().find((t) => t.traceId === traceId));
  for (const file of opts.load) {
    try {
      store!.add(fromJaegerJson(JSON.parse(fs.readFileSync(file, 'utf8'))));
    } catch (e) {
      process.stderr.write(`spanwise-agent: --load ${file}: ${(e as Error).message}\n`);
      process.exit(2);
    }
  }

  const saveFile = (): void => {
    if (!out || !agent) return;
    try {
      writeJson(out, allTraces());
    } catch (e) {
      process.stderr.write(`spanwise-agent: cannot write --out ${out}: ${(e as Error).message}\n`);
    }
  };
  const complete = (traceId: string): void => {
    pending.delete(traceId);
    if (!agent) return;
    const trace = findTrace(traceId);
    if (trace && !quiet) {
      const again = printed.has(traceId) ? ' (updated: late spans arrived)' : '';
      process.stdout.write(`\n${renderWaterfall(trace, { width, color })}${again}\n`);
    }
    printed.add(traceId);
    saveFile();
  };

  if (out) {
    try {
      fs.writeFileSync(out, JSON.stringify(toJaegerJson([])) + '\n');
    } catch (e) {
      process.stderr.write(`spanwise-agent: --out ${out} is not writable: ${(e as Error).message}\n`);
      process.exit(2);
    }
  }

  const listen = (otlpPort: number | undefined): Promise<AgentReceiver> =>
    startAgent({
      host: opts.host,
      port: opts.port,
      collectorPort: opts.collectorPort,
      keepSpans: !store,
      otlpPort,
      onSpans(spans) {
        store?.add(spans);
        for (const traceId of new Set(spans.map((s) => s.traceId))) {
          clearTimeout(pending.get(traceId));
          pending.set(traceId, setTimeout(() => complete(traceId), idleMs));
        }
      },
    });
  try {
    if (opts.otlpPort !== undefined) {
      agent = await listen(opts.otlpPort === 'off' ? undefined : opts.otlpPort);
    } else {
      try {
        agent = await listen(4318);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
        process.stderr.write(`spanwise-agent: OTLP port 4318 is taken; not accepting OTLP (use --otlp-port N)\n`);
        agent = await listen(undefined);
      }
    }
  } catch (e) {
    process.stderr.write(`spanwise-agent: cannot listen on ${opts.host}:${opts.port}${opts.collectorPort !== undefined ? ` / HTTP ${opts.collectorPort}` : ''}: ${(e as Error).message}\n`);
    process.exit(1);
  }

  const a = agent;
  let viewer: Viewer | undefined;
  if (store) {
    try {
      viewer = await startViewer({ store, host: opts.uiHost, port: opts.uiPort });
    } catch (e) {
      process.stderr.write(`spanwise-agent: cannot serve the viewer on ${opts.uiHost}:${opts.uiPort} (--ui-port): ${(e as Error).message}\n`);
      process.exit(1);
    }
  }
  process.stdout.write(`spanwise-agent listening on udp://${opts.host}:${a.port}\n`);
  if (a.collectorPort !== undefined) process.stdout.write(`spanwise-agent collector on http://${opts.host}:${a.collectorPort}/api/traces\n`);
  if (viewer) {
    process.stdout.write(`spanwise-agent viewer on ${viewer.url}\n`);
    if (!['127.0.0.1', 'localhost', '::1'].includes(opts.uiHost)) process.stderr.write(`spanwise-agent: the viewer on ${opts.uiHost} has no authentication: anyone who can reach it sees every trace\n`);
  }
  if (a.otlpPort !== undefined) process.stdout.write(`spanwise-agent OTLP/HTTP on http://${opts.host}:${a.otlpPort}/v1/traces\n`);
  if (!quiet) {
    process.stdout.write(
      `Point jaeger-client at it: reporter: { agentHost: '${opts.host}', agentPort: ${a.port} }` +
        (a.collectorPort !== undefined ? ` or { collectorEndpoint: 'http://${opts.host}:${a.collectorPort}/api/traces' }` : '') +
        (a.otlpPort !== undefined ? `\nor any OTLP exporter: OTEL_EXPORTER_OTLP_ENDPOINT=http://${opts.host}:${a.otlpPort}` : '') +
        (out ? `\nSaving traces to ${out}` : '') +
        '\n',
    );
  }

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    for (const [traceId, timer] of pending) {
      clearTimeout(timer);
      complete(traceId);
    }
    saveFile();
    if (!quiet) {
      const traces = allTraces();
      const spanCount = traces.reduce((n, t) => n + t.spans.length, 0);
      process.stdout.write(`\nspanwise-agent: ${signal}: ${spanCount} span(s) in ${traces.length} trace(s), ${a.errors} undecodable packet(s)${out ? `, saved to ${out}` : ''}\n`);
    }
    void Promise.all([a.close(), viewer?.close()]).finally(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`spanwise-agent: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
