/**
 * docs/benchmarks.md = bench/benchmarks-intro.md, then one "Latest run on Node <major>" section per Node major the
 * bench ran on: a run replaces the section of its own major and keeps the others (Node 20 next to Node 24).
 */
const fs = require('fs');

const SECTION = /^## Latest run\b/m;

/** The Node major a section was measured on, from its machine line ("Node v24.22.3"). */
function majorOf(section) {
  const match = /\bNode v(\d+)\./.exec(section);
  return match ? Number(match[1]) : 0;
}

function writeResultsDoc(docPath, intro, body) {
  const major = Number(process.versions.node.split('.')[0]);
  const section = `## Latest run on Node ${major} (${new Date().toISOString().slice(0, 10)})\n\n${body.trim()}\n`;
  const previous = fs.existsSync(docPath) ? fs.readFileSync(docPath, 'utf8') : '';
  const start = previous.search(SECTION);
  const kept = start < 0 ? [] : previous.slice(start).split(/^(?=## Latest run\b)/m).filter((s) => majorOf(s) !== major);
  const sections = [...kept.map((s) => `${s.trim()}\n`), section].sort((a, b) => majorOf(a) - majorOf(b));
  fs.writeFileSync(docPath, `${intro.trimEnd()}\n\n${sections.join('\n')}`);
}

module.exports = { writeResultsDoc };
