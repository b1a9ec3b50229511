'use strict';
/** Markdown tables of the minimal suite: every figure per app and variant, and the overview (added CPU, ratio). */

const fixed = (value, digits) => (Number.isNaN(value) ? '—' : value.toFixed(digits));
const signed = (value) => (Number.isNaN(value) ? '—' : `${value >= 0 ? '+' : ''}${value.toFixed(1)}`);

function detailTable(results) {
  const lines = [
    '| app | variant | req/s | p99 ms | CPU µs / request | added µs / request | req/s ratio | spans delivered / request |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const untraced = r.key === 'untraced';
    const spans = `${fixed(r.spansPerRequest, 2)}${r.expectedSpans === undefined ? '' : r.spansOk ? ' ✔' : ` ✘ (expected ${r.expectedSpans})`}`;
    lines.push(`| ${r.app} | ${r.variant} | ${fixed(r.rps, 0)} | ${r.p99} | ${fixed(r.cpuPerRequest, 1)} | ${untraced ? '' : signed(r.addedCpu)} | ${untraced ? '1.00' : fixed(r.ratio, 2)} | ${untraced ? '' : spans} |`);
  }
  return lines.join('\n');
}

/** Rows: apps; columns: variants; untraced in CPU µs per request, the others as added µs (req/s ratio). */
function overviewTable(results) {
  const variants = [...new Map(results.map((r) => [r.key, r.variant])).entries()];
  const apps = [...new Set(results.map((r) => r.app))];
  const lines = [`| CPU µs / request | ${variants.map(([, label]) => label).join(' | ')} |`, `|---|${variants.map(() => '---:').join('|')}|`];
  for (const app of apps) {
    const cells = variants.map(([key]) => {
      const r = results.find((x) => x.app === app && x.key === key);
      if (!r) return '';
      return key === 'untraced' ? fixed(r.cpuPerRequest, 1) : `${signed(r.addedCpu)} (${fixed(r.ratio, 2)})`;
    });
    lines.push(`| ${app} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

module.exports = { detailTable, overviewTable };
