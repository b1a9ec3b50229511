// Finishes spans before, during and after a @sinonjs/fake-timers episode that lasts a few real flush intervals,
// (the app never ticks the fake clock), then prints LISTENING and stays up. TRACER_DURING=1: the tracer is created inside the episode.
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
  clock.uninstall();
  await realSleep(50);
  finish('after');
  console.log('LISTENING 1');
  await realSleep(400);
  // the exporter's own counters: nothing left in flight, every span counted as sent
  console.log(`STATS ${JSON.stringify(getTracer()._reporter.stats())}`);
}
void main();
setInterval(() => undefined, 1000);
