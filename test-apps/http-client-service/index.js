'use strict';
/**
 * A traced HTTP server whose handler makes one outgoing call in the form the query names:
 *   GET /call?form=<form>&target=<url>[&delay=1][&preset=1]   (inside the request's server span)
 *   GET /untraced?form=<form>&target=<url>                    (no active span)
 *   GET /suppressed?form=<form>&target=<url>                  (inside the server span, under suppressTracing)
 *   GET /unpatch                                              (unpatch, then report whether originals are back)
 *   GET /repatch                                              (patch again)
 * and answers JSON { status, body, error, callerUnchanged }.
 * Env: PORT, JAEGER_*, HTTP_REQUIRED_FIRST=1 (require http/https before patch()), IGNORE (comma list for the
 * `ignore` option), THROWING_HOOKS=1 (requestHook and responseHook throw), THROWING_TRACER=start|tags|span (init with a tracer that throws), NODE_EXTRA_CA_CERTS for https.
 */
const originals = {};
if (process.env.HTTP_REQUIRED_FIRST === '1') {
  const http = require('http');
  const https = require('https');
  Object.assign(originals, { httpRequest: http.request, httpGet: http.get, httpsRequest: https.request, httpsGet: https.get });
}

const core = require('@spanwise/trace-core');
if (process.env.THROWING_TRACER) core.init({ tracer: throwingTracer(process.env.THROWING_TRACER), requireParent: false });
const traceHttp = require('@spanwise/trace-http');
const options = process.env.IGNORE ? { ignore: process.env.IGNORE.split(',') } : {};
if (process.env.THROWING_HOOKS === '1') {
  options.requestHook = () => {
    throw new Error('requestHook exploded');
  };
  options.responseHook = () => {
    throw new Error('responseHook exploded');
  };
}
traceHttp.patch(options);
traceHttp.patch(options); // idempotent: a second call must not trace twice

const http = require('http');
const https = require('https');

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/unpatch') return unpatch(res);
  if (url.pathname === '/repatch') {
    traceHttp.patch();
    return res.end('{}');
  }
  if (url.pathname === '/untraced') return core.withSpan(undefined, () => handle(url, res));
  const record = core.startServerSpan(req, res, 'http');
  if (url.pathname === '/suppressed') return core.withSpan(record && record.span, () => core.suppressTracing(() => handle(url, res)));
  core.withSpan(record && record.span, () => handle(url, res));
});

async function handle(url, res) {
  const params = url.searchParams;
  if (params.get('delay')) await sleep(Math.random() * 30);
  const callerHeaders = Object.freeze(params.get('preset') ? { 'x-caller': 'yes', traceparent: PRESET_TRACEPARENT } : { 'x-caller': 'yes' });
  const before = JSON.stringify(callerHeaders);
  let result;
  try {
    result = await call(params.get('form'), params.get('target'), callerHeaders);
  } catch (error) {
    result = { error: { name: error.name, code: error.code, message: error.message } };
  }
  if (params.get('delay')) await sleep(Math.random() * 30);
  result.callerUnchanged = JSON.stringify(callerHeaders) === before;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(result));
}

const PRESET_TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** Each form calls the client in one of the ways Node allows; all resolve with the downstream's answer. */
function call(form, target, callerHeaders) {
  const targetUrl = new URL(target);
  const mod = targetUrl.protocol === 'https:' ? https : http;
  const options = Object.freeze({ method: 'GET', headers: callerHeaders });
  const optionsObject = Object.freeze({
    protocol: targetUrl.protocol,
    hostname: targetUrl.hostname,
    port: targetUrl.port,
    path: targetUrl.pathname + targetUrl.search,
    headers: callerHeaders,
  });
  switch (form) {
    case 'request(url)':
      return outcome((cb) => endAndListen(mod.request(target), cb));
    case 'request(url, cb)':
      return outcome((cb) => mod.request(target, cb).end());
    case 'request(URL, cb)':
      return outcome((cb) => mod.request(targetUrl, cb).end());
    case 'request(url, options, cb)':
      return outcome((cb) => mod.request(target, options, cb).end());
    case 'request(URL, options)':
      return outcome((cb) => endAndListen(mod.request(targetUrl, options), cb));
    case 'request(options, cb)':
      return outcome((cb) => mod.request(optionsObject, cb).end());
    case 'request(options) agent:false setHost:false':
      return outcome((cb) => endAndListen(mod.request(Object.freeze({ ...optionsObject, agent: false, setHost: false, headers: { ...callerHeaders, host: targetUrl.host } })), cb));
    case 'get(url, cb)':
      return outcome((cb) => mod.get(target, cb));
    case "get(url, cb), response 'error' listener":
      return outcome((cb) => mod.get(target, cb), 'error');
    case "get(url, cb), response 'aborted' listener":
      return outcome((cb) => mod.get(target, cb), 'aborted');
    case 'get(URL)':
      return outcome((cb) => mod.get(targetUrl).on('response', cb));
    case 'get(url, options, cb)':
      return outcome((cb) => mod.get(target, options, cb));
    case 'get(options, cb)':
      return outcome((cb) => mod.get(optionsObject, cb));
    case 'headers as pairs':
      return outcome((cb) => mod.get(target, Object.freeze({ headers: Object.freeze([['x-caller', 'yes'], ['host', targetUrl.host]]) }), cb));
    case 'headers as flat array':
      return outcome((cb) => mod.get(target, Object.freeze({ headers: Object.freeze(['x-caller', 'yes', 'host', targetUrl.host]) }), cb));
    case 'timeout':
      return outcome((cb) => {
        const req = mod.get(target, cb);
        req.setTimeout(100, () => req.destroy());
        return req;
      });
    case 'abort':
      return outcome((cb) => {
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 100);
        return mod.get(target, { signal: controller.signal }, cb);
      });
    case 'destroy':
      return outcome((cb) => {
        const req = mod.get(target, cb);
        setTimeout(() => req.destroy(), 100);
        return req;
      });
    case 'no response listener':
      return new Promise((resolve, reject) => {
        const req = mod.request(target);
        req.on('error', reject);
        req.on('close', () => resolve({ closed: true, isClientRequest: req instanceof http.ClientRequest }));
        req.end();
      });
    case 'req.abort()':
      return new Promise((resolve) => {
        const req = mod.get(target, () => resolve({ responded: true }));
        req.on('error', (error) => resolve({ error: { name: error.name, code: error.code, message: error.message } }));
        req.on('close', () => resolve({ closed: true }));
        setTimeout(() => req.abort(), 100);
      });
    case 'upgrade':
      return new Promise((resolve, reject) => {
        const req = mod.request(target, { headers: { connection: 'Upgrade', upgrade: 'spanwise-test' } });
        req.on('error', reject);
        req.on('upgrade', (res, socket) => {
          socket.destroy();
          resolve({ status: res.statusCode });
        });
        req.end();
      });
    case 'invalid header':
      return outcome((cb) => mod.get(target, { headers: { 'x-bad': 'line\nbreak' } }, cb));
    case 'invalid url':
      return outcome((cb) => mod.get('not a url', cb));
    case 'fetch':
      return viaFetch(target, { headers: callerHeaders });
    case 'fetch abort': {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      return viaFetch(target, { headers: callerHeaders, signal: controller.signal });
    }
    default:
      return Promise.reject(new Error(`unknown form ${form}`));
  }
}

function endAndListen(req, cb) {
  req.on('response', cb);
  req.end();
  return req;
}

/**
 * Runs `start(cb)` (which returns the ClientRequest) and resolves with the status and the downstream's JSON.
 * `responseEvent`: the app also listens for that event on the response ('error' or 'aborted'), and reports it.
 */
function outcome(start, responseEvent) {
  return new Promise((resolve) => {
    const req = start((res) => {
      let body = '';
      let heard;
      if (responseEvent) res.on(responseEvent, (error) => (heard = error ? error.message : responseEvent));
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: parse(body), isClientRequest: req instanceof http.ClientRequest }));
      res.on('close', () => setImmediate(() => resolve({ status: res.statusCode, cut: !res.complete, heard })));
    });
    req.on('error', (error) => resolve({ error: { name: error.name, code: error.code, message: error.message } }));
  });
}

async function viaFetch(target, init) {
  const response = await fetch(target, init);
  return { status: response.status, body: parse(await response.text()) };
}

function parse(body) {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

function unpatch(res) {
  traceHttp.unpatch();
  const http = require('http');
  const https = require('https');
  const restored =
    http.request === originals.httpRequest && http.get === originals.httpGet && https.request === originals.httpsRequest && https.get === originals.httpsGet;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ restored }));
}

/**
 * A tracer that throws: 'start' from startSpan; 'tags' from setTag (after span.kind) and inject;
 * 'span' from everything a started span does except setTag (log, finish, context's ids) and from inject.
 */
function throwingTracer(mode) {
  const boom = () => {
    throw new Error('tracer failure');
  };
  const newSpan = () => ({
    context: () => ({}),
    setTag(key) {
      if (mode === 'tags' && key !== 'span.kind') boom();
      return this;
    },
    addTags: boom,
    log: boom,
    logEvent: boom,
    finish: boom,
    setOperationName: boom,
    tracer: boom,
  });
  return { startSpan: mode === 'start' ? boom : newSpan, inject: boom, extract: boom };
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
