import { flattenTree, selfTime } from './traces';
import type { DecodedSpan, Trace } from './types';

export interface WaterfallOptions {
  /** Total line width in columns (default 100, minimum 60). */
  width?: number;
  /** ANSI colours; default: only when stdout is a TTY and NO_COLOR is not set. */
  color?: boolean;
}

const ESC = '\u001b[';
const SERVICE_COLORS = [36, 35, 33, 32, 34, 96, 95, 93];

function isError(span: DecodedSpan): boolean {
  const v = span.tags.error;
  return v === true || v === 'true';
}

function ms(us: number): string {
  return (us / 1000).toFixed(2);
}

function fit(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text + ' '.repeat(width - chars.length);
  return chars.slice(0, width - 1).join('') + '…';
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return Math.abs(h);
}

/**
 * Renders one trace as a terminal waterfall: one line per span in tree order (children indented under
 * their parent, siblings sorted by start) with service, operation, start offset from the trace start,
 * duration, SELF time (duration minus the union of its children's intervals clipped to the span) and a
 * bar on a fixed-width timeline. Spans tagged error=true are marked `✖`; spans whose parent is not in
 * the trace are shown at top level marked `[orphan]`.
 */
export function renderWaterfall(trace: Trace, options: WaterfallOptions = {}): string {
  const width = Math.max(60, Math.floor(options.width ?? 100));
  const color = options.color ?? (Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  const paint = (code: string | number, s: string): string => (color ? `${ESC}${code}m${s}${ESC}0m` : s);

  const nodes = flattenTree(trace);
  if (nodes.length === 0) return `Trace ${trace.traceId} (no spans)`;
  const t0 = Math.min(...nodes.map((n) => n.span.startTime));
  const t1 = Math.max(...nodes.map((n) => n.span.startTime + n.span.duration));
  const total = Math.max(1, t1 - t0);
  const services = new Set(nodes.map((n) => n.span.serviceName));
  const errors = nodes.filter((n) => isError(n.span)).length;

  const NAME = Math.max(24, width - 2 - 3 * 9 - 2 - 30); // name column
  const BAR = width - 2 - NAME - 3 * 9 - 3; // bar inside the ' │' … '│' borders

  const lines: string[] = [];
  const summary =
    `Trace ${trace.traceId}  ${nodes.length} span${nodes.length === 1 ? '' : 's'}  ` +
    `${services.size} service${services.size === 1 ? '' : 's'}  ${ms(total)} ms` +
    (errors ? `  ${errors} error${errors === 1 ? '' : 's'}` : '');
  lines.push(paint(1, summary));
  lines.push(paint(2, `  ${fit('service: operation', NAME)}${'start ms'.padStart(9)}${'dur ms'.padStart(9)}${'self ms'.padStart(9)} │${fit('timeline', BAR)}│`));

  for (const n of nodes) {
    const s = n.span;
    const err = isError(s);
    const indent = n.depth === 0 ? '' : '  '.repeat(Math.min(n.depth - 1, 8)) + '└ ';
    const orphan = n.orphan ? '[orphan] ' : '';
    const label = fit(`${indent}${orphan}${s.serviceName}: ${s.operationName}`, NAME);
    const self = selfTime(s, n.children.map((c) => c.span));
    const from = Math.min(BAR - 1, Math.floor(((s.startTime - t0) / total) * BAR));
    const to = Math.max(from + 1, Math.min(BAR, Math.ceil(((s.startTime + s.duration - t0) / total) * BAR)));
    const bar = ' '.repeat(from) + '█'.repeat(to - from) + ' '.repeat(BAR - to);
    const svcColor = SERVICE_COLORS[hash(s.serviceName) % SERVICE_COLORS.length];

    let coloredLabel = label;
    if (color) {
      const at = label.indexOf(s.serviceName, indent.length + orphan.length);
      coloredLabel =
        (orphan ? label.slice(0, indent.length) + paint(33, orphan) + label.slice(indent.length + orphan.length, at) : label.slice(0, at)) +
        (at >= 0 ? paint(svcColor, label.slice(at, at + s.serviceName.length)) + label.slice(at + s.serviceName.length) : '');
      if (at < 0) coloredLabel = label;
    }
    lines.push(
      (err ? paint(31, '✖ ') : '  ') +
        coloredLabel +
        ms(s.startTime - t0).padStart(9) +
        ms(s.duration).padStart(9) +
        ms(self).padStart(9) +
        ' │' +
        paint(err ? 31 : svcColor, bar) +
        '│',
    );
  }
  return lines.join('\n');
}
