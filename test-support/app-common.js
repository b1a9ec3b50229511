'use strict';
// Shared by the Express, Koa and Fastify test services (test-apps/*-service): trace options from the environment, the downstream call, timers.
const http = require('http');

/** Trace options from the environment, so tests can exercise each one. */
function traceOptionsFromEnv(env = process.env) {
  const options = {};
  if (env.TRACE_IGNORE) options.ignore = env.TRACE_IGNORE.split(',').map((rule) => (rule.startsWith('re:') ? new RegExp(rule.slice(3)) : rule));
  if (env.TRACE_HEADERS) options.headersAsTags = env.TRACE_HEADERS.split(',');
  if (env.TRACE_HOOKS === '1') {
    options.requestHook = (span, req) => span.setTag('app.request_hook', req.method);
    options.responseHook = (span, req, res) => span.setTag('app.response_status', res.statusCode);
  }
  if (env.TRACE_OPERATION_NAME === '1') options.operationName = (req, route) => `custom ${req.method} ${route || 'none'}`;
  if (env.TRACE_THROWING_HOOKS === '1') {
    for (const name of ['requestHook', 'responseHook', 'operationName']) {
      options[name] = () => {
        throw new Error(`${name} exploded`);
      };
    }
  }
  if (env.TRACE_RECORD_SECRET_HEADERS) require('@spanwise/trace-core').init({ redaction: { recordSecretHeaders: env.TRACE_RECORD_SECRET_HEADERS.split(',') } });
  return options;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const randomDelay = () => sleep(Math.floor(Math.random() * 21));

/** GET `${DOWNSTREAM_URL}${path}` with Node's http client; resolves with the status and body. */
function callDownstream(path, headers = {}) {
  const base = process.env.DOWNSTREAM_URL;
  if (!base) return Promise.reject(new Error('DOWNSTREAM_URL is not set'));
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${path}`, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
  });
}

/** Outgoing HTTP spans and header injection, when @spanwise/trace-http is installed. */
function patchHttpClient() {
  try {
    require('@spanwise/trace-http').patch();
    return true;
  } catch {
    return false;
  }
}

module.exports = { traceOptionsFromEnv, sleep, randomDelay, callDownstream, patchHttpClient };
