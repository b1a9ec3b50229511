import { dateNow } from './clock';
import type { DropReason } from './reporter-stats';
import type { ReporterLogger } from './types';

const REASONS: readonly DropReason[] = ['queueFull', 'tooLarge', 'sendFailed'];

/**
 * Rate-limited logging of dropped and shortened spans: one summary line at most every `intervalMs` (and a last one
 * when forced, at close or exit), with the count per reason and the last problem of each.
 */
export class DropLog {
  private lastLogAt = 0;
  private unlogged = { queueFull: 0, tooLarge: 0, sendFailed: 0 };
  private lastProblem: Record<DropReason, string> = { queueFull: '', tooLarge: '', sendFailed: '' };
  private shortened = 0;
  private lastShortened = '';
  private any = false;

  constructor(
    private readonly logger: ReporterLogger,
    private readonly intervalMs: number,
  ) {}

  dropped(reason: DropReason, n: number, problem: string): void {
    this.unlogged[reason] += n;
    this.lastProblem[reason] = problem;
    this.any = true;
    this.maybeLog(false);
  }

  shortenedSpan(problem: string): void {
    this.shortened++;
    this.lastShortened = problem;
    this.any = true;
    this.maybeLog(false);
  }

  /** Logs what happened since the last message, at most once per interval unless `force`. */
  maybeLog(force: boolean): void {
    if (!this.any) return;
    const now = dateNow();
    if (!force && now - this.lastLogAt < this.intervalMs) return;
    this.lastLogAt = now;
    const failed = this.unlogged.sendFailed > 0;
    const message = this.summary();
    this.unlogged = { queueFull: 0, tooLarge: 0, sendFailed: 0 };
    this.shortened = 0;
    this.any = false;
    try {
      if (failed) this.logger.error(message);
      else this.logger.warn(message);
    } catch {
      /* a broken logger must not break the app */
    }
  }

  private summary(): string {
    const u = this.unlogged;
    const total = u.queueFull + u.tooLarge + u.sendFailed;
    const parts = REASONS.filter((r) => u[r] > 0).map((r) => `${r}=${u[r]} (last: ${this.lastProblem[r]})`);
    const dropped = total > 0 ? `spanwise reporter dropped ${total} span(s): ${parts.join(', ')}` : '';
    const kept = this.shortened > 0 ? `shortened ${this.shortened} span(s) (last: ${this.lastShortened})` : '';
    if (dropped && kept) return `${dropped}; ${kept}`;
    return dropped || `spanwise reporter ${kept}`;
  }
}
