'use strict';
/** A traced request to a closed port with no 'error' listener: the process must crash as it would untraced. */
const core = require('@spanwise/trace-core');
require('@spanwise/trace-http').patch();
const http = require('http');

const parent = core.getTracer().startSpan('unhandled-error-root');
core.withSpan(parent, () => {
  http.get(`http://127.0.0.1:${process.env.CLOSED_PORT}/unhandled`);
});
