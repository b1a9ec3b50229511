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

export interface CliOptions {
  host: string;
  port: number;
  collectorPort?: number;
  /** OTLP/HTTP port; default 4318, skipped with a warning when taken. `off`: none. */
  otlpPort?: number | 'off';
  out?: string;
  quiet: boolean;
  idleMs: number;
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

The first line printed is "spanwise-agent listening on udp://HOST:PORT".`;

class UsageError extends Error {}

function parsePort(name: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new UsageError(`${name} must be an integer from 0 to 65535, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

export function parseArgs(argv: readonly string[]): CliOptions | 'help' {
  const opts: CliOptions = { host: '127.0.0.1', port: 6832, quiet: false, idleMs: 500 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
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
      case '-h':
      case '--help':
        return 'help';
      default:
        throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
    }
  }
  return opts;
}

function writeJson(file: string, agent: AgentReceiver): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(toJaegerJson(agent.traces()), null, 2) + '\n');
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

  const saveFile = (): void => {
    if (!out || !agent) return;
    try {
      writeJson(out, agent);
    } catch (e) {
      process.stderr.write(`spanwise-agent: cannot write --out ${out}: ${(e as Error).message}\n`);
    }
  };
  const complete = (traceId: string): void => {
    pending.delete(traceId);
    if (!agent) return;
    const trace = agent.traces().find((t) => t.traceId === traceId);
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
      otlpPort,
      onSpans(spans) {
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
  process.stdout.write(`spanwise-agent listening on udp://${opts.host}:${a.port}\n`);
  if (a.collectorPort !== undefined) process.stdout.write(`spanwise-agent collector on http://${opts.host}:${a.collectorPort}/api/traces\n`);
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
      process.stdout.write(`\nspanwise-agent: ${signal}: ${a.spans.length} span(s) in ${a.traces().length} trace(s), ${a.errors} undecodable packet(s)${out ? `, saved to ${out}` : ''}\n`);
    }
    void a.close().finally(() => process.exit(0));
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
