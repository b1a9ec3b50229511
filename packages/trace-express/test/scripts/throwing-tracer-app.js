'use strict';
/**
 * express-service routes traced by a tracer that throws (THROW_MODE): `tracer` (every tracer method throws),
 * `span` (spans whose every method throws), `late` (spans that take tags but throw on log, rename and finish).
 */
const opentracing = require('opentracing');
const core = require('@spanwise/trace-core');
const { traceMiddleware, getSpan } = require('@spanwise/trace-express');
const { buildApp, loadExpress } = require('../../../../test-apps/express-service/app');

const explode = () => {
  throw new Error('tracer exploded');
};
const SPAN_METHODS = ['context', 'tracer', 'setOperationName', 'setBaggageItem', 'getBaggageItem', 'setTag', 'addTags', 'log', 'logEvent', 'finish'];
const throwingSpan = Object.fromEntries(SPAN_METHODS.map((name) => [name, explode]));

class LateSpan extends opentracing.Span {
  _log() {
    explode();
  }
  _setOperationName() {
    explode();
  }
  _finish() {
    explode();
  }
}
class LateTracer extends opentracing.Tracer {
  _startSpan() {
    return new LateSpan();
  }
}

const tracers = {
  tracer: { startSpan: explode, inject: explode, extract: explode },
  span: { startSpan: () => throwingSpan, inject: explode, extract: explode },
  late: new LateTracer(),
};
const tracer = tracers[process.env.THROW_MODE];
if (!tracer) throw new Error(`THROW_MODE must be one of ${Object.keys(tracers).join(', ')}`);
core.init({ tracer, logLevel: 'error' });

const { express, major } = loadExpress(process.env.EXPRESS_DIR);
const app = buildApp({ express, major, traceMiddleware, getSpan });
const server = app.listen(Number(process.env.PORT || 0), () => console.log(`LISTENING ${server.address().port}`));
