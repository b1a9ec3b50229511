import { flattenTree, selfTime, type SpanNode } from './traces';
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

/** The tags worth a glance, shown dim under the span: status, (masked) statement, error message. */
export function keyTags(span: DecodedSpan): string[] {
  const shown: string[] = [];
  const status = span.tags['http.status_code'];
  if (status !== undefined) shown.push(`status ${status}`);
  const statement = span.tags['db.statement'];
  if (statement !== undefined && statement !== '') shown.push(String(statement).replace(/\s+/g, ' '));
  const message = errorMessage(span);
  if (message) shown.push(`error: ${message.replace(/\s+/g, ' ')}`);
  return shown;
}

function errorMessage(span: DecodedSpan): string | undefined {
  const log = span.logs.find((l) => l.fields.event === 'error');
  const message = log?.fields.message ?? log?.fields['error.object'] ?? span.tags['error.message'];
  return message === undefined ? undefined : String(message);
}

/** Tree prefixes: `├ `/`└ ` before each span, and `│ ` under the ancestors that have siblings still to come. */
function treePrefixes(nodes: SpanNode[]): Map<SpanNode, { own: string; below: string }> {
  const prefixes = new Map<SpanNode, { own: string; below: string }>();
  const walk = (node: SpanNode, own: string, below: string): void => {
    if (prefixes.has(node)) return;
    prefixes.set(node, { own, below });
    node.children.forEach((child, i) => {
      const last = i === node.children.length - 1;
      walk(child, below + (last ? '└ ' : '├ '), below + (last ? '  ' : '│ '));
    });
  };
  for (const node of nodes) if (node.depth === 0) walk(node, '', '');
  for (const node of nodes) if (!prefixes.has(node)) prefixes.set(node, { own: '', below: '' });
  return prefixes;
}

const FIXED = 2 + 3 * 9 + 3; // error mark, three number columns, the bar's borders
const MIN_BAR = 20;

/**
 * Renders one trace as a terminal waterfall: one line per span in tree order (drawn with ├ │ └, siblings
 * sorted by start) with service, operation, start offset from the trace start, duration, SELF time (duration
 * minus the union of its children's intervals clipped to the span) and a bar on a fixed-width timeline; under
 * it, dim, the span's key tags (status code, masked statement, error message). The name column grows to the
 * longest name while the timeline keeps 20 columns; only narrower terminals cut names (at the end, `…`).
 * Spans tagged error=true are marked `✖`; spans whose parent is not in the trace are shown at top level
 * marked `[orphan]`.
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
  const prefixes = treePrefixes(nodes);
  const labelOf = (n: SpanNode): string => `${prefixes.get(n)!.own}${n.orphan ? '[orphan] ' : ''}${n.span.serviceName}: ${n.span.operationName}`;

  const longest = Math.max(...nodes.map((n) => [...labelOf(n)].length)) + 1;
  const defaultName = Math.max(24, width - FIXED - 30);
  const NAME = Math.max(defaultName, Math.min(longest, width - FIXED - MIN_BAR)); // name column
  const BAR = width - FIXED - NAME; // bar inside the ' │' … '│' borders

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
    const indent = prefixes.get(n)!.own;
    const orphan = n.orphan ? '[orphan] ' : '';
    const label = fit(labelOf(n), NAME);
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
    const tags = keyTags(s);
    if (tags.length) {
      const under = prefixes.get(n)!.below + (n.children.length ? '│ ' : '  ');
      lines.push(paint(2, `  ${fit(`${under}${tags.join(' · ')}`, width - 2).trimEnd()}`));
    }
  }
  return lines.join('\n');
}
