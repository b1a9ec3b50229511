// Finishes spans before, during and after a @sinonjs/fake-timers episode that lasts a few real flush intervals,
// then prints LISTENING and stays up. TRACER_DURING=1: the tracer is created inside the episode.
const { getTracer } = require('@spanwise/trace-core');
const FakeTimers = require('@sinonjs/fake-timers');
const perPhase = Number(process.env.SPAN_COUNT || 20);
const finish = (phase) => {
  for (let i = 0; i < perPhase; i++) getTracer().startSpan(`${phase}-${i}`).finish();
};
const realSetTimeout = setTimeout;
const realSleep = (ms) => new Promise((resolve) => realSetTimeout(resolve, ms));
async function main() {
  if (process.env.TRACER_DURING !== '1') finish('before');
  await realSleep(50);
  const clock = FakeTimers.install();
  if (process.env.TRACER_DURING === '1') finish('before');
  finish('during');
  await realSleep(300);
  clock.tick(5000);
  clock.uninstall();
  await realSleep(50);
  finish('after');
  console.log('LISTENING 1');
  if (process.env.DEBUG_STATS) realSetTimeout(() => console.log(JSON.stringify(getTracer()._reporter.stats()), getTracer()._reporter.drainScheduled, getTracer()._reporter.chunkSpans, getTracer()._reporter.queue.length, getTracer()._reporter.timer), 500);
}
void main();
setInterval(() => undefined, 1000);
