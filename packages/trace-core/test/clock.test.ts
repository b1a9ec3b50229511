import { wallClockMs } from '../src/jaeger';

describe('span clock', () => {
  it('agrees with the wall clock to well under a millisecond (an origin taken from Date.now() is up to 1 ms early)', () => {
    for (let i = 0; i < 50; i++) {
      const before = Date.now();
      const ours = wallClockMs();
      const after = Date.now();
      // Date.now() truncates to the millisecond: the true time lies in [before, after + 1).
      expect(ours).toBeGreaterThanOrEqual(before - 0.25);
      expect(ours).toBeLessThan(after + 1.25);
    }
  });

  it('has sub-millisecond resolution and never goes back', () => {
    const samples = Array.from({ length: 1000 }, () => wallClockMs());
    for (let i = 1; i < samples.length; i++) expect(samples[i]).toBeGreaterThanOrEqual(samples[i - 1]);
    expect(samples.some((t) => !Number.isInteger(t))).toBe(true);
  });
});
