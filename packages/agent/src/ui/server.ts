/**
 * The trace viewer's HTTP server: the prebuilt page (packages/agent/ui), a JSON API over a {@link TraceStore}
 * and server-sent events announcing changed traces. No authentication: it binds to 127.0.0.1 unless told
 * otherwise, and refuses requests whose Host header names another machine while bound to loopback (DNS rebinding).
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { toJaegerJson } from '../jaeger-json';
import { fromJaegerJson, JaegerJsonError } from '../jaeger-import';
import type { TraceFilter, TraceStore } from '../store';
import { timeByOperation } from '../timing';

export interface ViewerOptions {
  store: TraceStore;
  /** Interface to bind. Default '127.0.0.1'. Anything else exposes the traces to the network, unauthenticated. */
  host?: string;
  /** TCP port; 0 = any free port. Default 16688. */
  port?: number;
  /** Largest accepted import body. Default 64 MiB. */
  maxImportBytes?: number;
}

export interface Viewer {
  readonly port: number;
  /** e.g. http://127.0.0.1:16688/ */
  readonly url: string;
  close(): Promise<void>;
}

export const DEFAULT_VIEWER_PORT = 16688;
const UI_DIR = path.resolve(__dirname, '../../ui');
const STATIC: Record<string, [file: string, type: string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/app.css': ['app.css', 'text/css; charset=utf-8'],
};
const SSE_COALESCE_MS = 100;
const SSE_HEARTBEAT_MS = 15_000;

/** dist/timing.js (CommonJS, no imports) wrapped so the page gets it as `window.SpanwiseTiming`. */
function timingScript(): string {
  // next to this file in dist/; from src/ (ts-node, ts-jest) the built copy in dist/
  const candidates = [path.join(__dirname, '..', 'timing.js'), path.resolve(__dirname, '../../dist/timing.js')];
  const file = candidates.find((f) => fs.existsSync(f)) ?? candidates[0];
  const compiled = fs.readFileSync(file, 'utf8').replace(/\/\/# sourceMappingURL=.*$/m, '');
  return `(function () {\nvar exports = {};\n${compiled}\nwindow.SpanwiseTiming = exports;\n})();\n`;
}

export function parseFilter(query: URLSearchParams): TraceFilter {
  const minMs = Number(query.get('minDuration') ?? '');
  return {
    service: query.get('service') || undefined,
    operation: query.get('operation') || undefined,
    tag: query.get('tag') || undefined,
    minDuration: Number.isFinite(minMs) && minMs > 0 ? Math.round(minMs * 1000) : undefined,
    errorsOnly: query.get('errors') === '1' || query.get('errors') === 'true',
  };
}

const isLoopback = (host: string): boolean => host === '127.0.0.1' || host === '::1' || host === 'localhost';

function hostAllowed(req: http.IncomingMessage): boolean {
  const header = req.headers.host ?? '';
  const name = header.startsWith('[') ? header.slice(1, header.indexOf(']')) : header.split(':')[0];
  return isLoopback(name);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body));
}

function readBody(req: http.IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(new JaegerJsonError(`the file is larger than the import limit of ${max} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startViewer(options: ViewerOptions): Promise<Viewer> {
  const { store } = options;
  const host = options.host ?? '127.0.0.1';
  const maxImport = options.maxImportBytes ?? 64 * 1024 * 1024;
  const statics = new Map<string, [Buffer, string]>();
  for (const [route, [file, type]] of Object.entries(STATIC)) statics.set(route, [fs.readFileSync(path.join(UI_DIR, file)), type]);
  statics.set('/timing.js', [Buffer.from(timingScript()), 'text/javascript; charset=utf-8']);
  const clients = new Set<http.ServerResponse>();

  const importJson = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    // A JSON content type cannot be sent cross-origin without a CORS preflight, which this server never grants.
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
      sendJson(res, 415, { error: 'POST the Jaeger JSON with content-type application/json' });
      return;
    }
    try {
      const spans = fromJaegerJson(JSON.parse(await readBody(req, maxImport)));
      store.add(spans);
      sendJson(res, 200, { spans: spans.length, traces: new Set(spans.map((s) => s.traceId)).size });
    } catch (e) {
      const message = e instanceof SyntaxError ? `not JSON: ${e.message}` : (e as Error).message;
      sendJson(res, e instanceof JaegerJsonError || e instanceof SyntaxError ? 400 : 500, { error: message });
    }
  };

  const openEvents = (res: http.ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    clients.add(res);
    res.on('close', () => clients.delete(res));
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (isLoopback(host) && !hostAllowed(req)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('spanwise viewer: unexpected Host header\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://viewer');
    const route = url.pathname;
    if (req.method === 'POST' && route === '/api/import') {
      void importJson(req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD, POST' }).end();
      return;
    }
    const asset = statics.get(route);
    if (asset) {
      res.writeHead(200, { 'content-type': asset[1], 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' }).end(asset[0]);
      return;
    }
    const filter = parseFilter(url.searchParams);
    if (route === '/api/events') return openEvents(res);
    if (route === '/api/traces') {
      const traces = store.list(filter);
      const all = store.list();
      const services = [...new Set(all.flatMap((t) => t.services))].sort();
      sendJson(res, 200, { traces, total: all.length, services, stats: store.stats() });
      return;
    }
    if (route === '/api/operations') {
      const ops = new Set<string>();
      for (const t of store.query(filter.service ? { service: filter.service } : {})) {
        for (const s of t.spans) if (!filter.service || s.serviceName === filter.service) ops.add(s.operationName);
      }
      sendJson(res, 200, [...ops].sort());
      return;
    }
    if (route.startsWith('/api/traces/')) {
      const trace = store.get(decodeURIComponent(route.slice('/api/traces/'.length)));
      if (trace) sendJson(res, 200, trace);
      else sendJson(res, 404, { error: 'no such trace (it may have been forgotten to stay within the memory bound)' });
      return;
    }
    if (route === '/api/time') {
      sendJson(res, 200, timeByOperation(store.query(filter)));
      return;
    }
    if (route === '/api/export') {
      const one = url.searchParams.get('trace');
      const traces = one ? [store.get(one)].filter((t) => t !== undefined) : store.query(filter);
      sendJson(res, 200, toJaegerJson(traces), { 'content-disposition': `attachment; filename="${one ? `trace-${one.replace(/[^0-9a-f]/gi, '')}` : 'spanwise-traces'}.json"` });
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  };

  const server = http.createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      if (!res.headersSent) sendJson(res, 500, { error: (e as Error).message });
      else res.destroy();
    }
  });

  let pending = new Set<string>();
  let flushTimer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    flushTimer = undefined;
    const data = `event: traces\ndata: ${JSON.stringify([...pending])}\n\n`;
    pending = new Set();
    for (const c of clients) c.write(data);
  };
  const unsubscribe = store.onChange((ids) => {
    for (const id of ids) pending.add(id);
    flushTimer ??= setTimeout(flush, SSE_COALESCE_MS);
  });
  const heartbeat = setInterval(() => {
    for (const c of clients) c.write(': keep-alive\n\n');
  }, SSE_HEARTBEAT_MS);
  heartbeat.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_VIEWER_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((e: unknown) => {
    unsubscribe();
    clearInterval(heartbeat);
    throw e;
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    port,
    url: `http://${shownHost}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        clearInterval(heartbeat);
        clearTimeout(flushTimer);
        for (const c of clients) c.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
