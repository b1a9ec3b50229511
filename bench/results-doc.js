/**
 * docs/benchmarks.md = bench/benchmarks-intro.md with each `<!-- results: KIND -->` placeholder replaced by the latest
 * results of that kind (`minimal`, `heavier`), one block per Node major. A run replaces the block of its own kind and
 * major and keeps the others (Node 20 next to Node 24). Blocks are kept in the generated file between
 * `<!-- results: KIND node N -->` and `<!-- /results -->`; a kind without a placeholder goes at the end.
 */
const fs = require('fs');

const BLOCK = /<!-- results: (\w+) node (\d+) -->\n([\s\S]*?)<!-- \/results -->\n?/g;
const PLACEHOLDER = /<!-- results: (\w+) -->/g;

function readBlocks(text) {
  const blocks = new Map();
  for (const match of text.matchAll(BLOCK)) blocks.set(`${match[1]} ${match[2]}`, { kind: match[1], major: Number(match[2]), body: match[3].trim() });
  return blocks;
}

function render(kind, blocks) {
  return [...blocks.values()]
    .filter((block) => block.kind === kind)
    .sort((a, b) => a.major - b.major)
    .map((block) => `<!-- results: ${block.kind} node ${block.major} -->\n${block.body}\n<!-- /results -->`)
    .join('\n\n');
}

/** Writes `body` as the `kind` results of this Node major; without them, regenerates the file from the intro and the blocks it has. */
function writeResultsDoc(docPath, intro, kind, body) {
  const major = Number(process.versions.node.split('.')[0]);
  const blocks = readBlocks(fs.existsSync(docPath) ? fs.readFileSync(docPath, 'utf8') : '');
  if (kind !== undefined) blocks.set(`${kind} ${major}`, { kind, major, body: body.trim() });
  const placed = new Set();
  let text = intro.trimEnd().replace(PLACEHOLDER, (_, placeholderKind) => {
    placed.add(placeholderKind);
    return render(placeholderKind, blocks) || '(not run yet)';
  });
  for (const other of new Set([...blocks.values()].map((b) => b.kind))) if (!placed.has(other)) text += `\n\n${render(other, blocks)}`;
  fs.writeFileSync(docPath, `${text}\n`);
}

module.exports = { writeResultsDoc };
