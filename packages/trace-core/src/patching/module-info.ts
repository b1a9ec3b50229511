import * as fs from 'fs';
import * as path from 'path';

/** Where an instance of a package is loaded from, and its version. */
export interface ModuleInfo {
  name: string;
  basedir: string;
  version: string;
}

const versions = new Map<string, string>();

export function readVersion(basedir: string): string {
  let version = versions.get(basedir);
  if (version === undefined) {
    try {
      version = String((JSON.parse(fs.readFileSync(path.join(basedir, 'package.json'), 'utf8')) as { version?: unknown }).version ?? '');
    } catch {
      version = '';
    }
    versions.set(basedir, version);
  }
  return version;
}

/**
 * Files of `name` already in require.cache (the app loaded them before patching), keyed by file path.
 * `file` is a path inside the package; without it, the package's main file.
 */
export function findLoaded(name: string, file: string | undefined): Array<{ filename: string; exports: unknown; info: ModuleInfo }> {
  const marker = `${path.sep}node_modules${path.sep}${name.split('/').join(path.sep)}${path.sep}`;
  const found: Array<{ filename: string; exports: unknown; info: ModuleInfo }> = [];
  const seen = new Set<string>();
  for (const filename of Object.keys(require.cache)) {
    const at = filename.lastIndexOf(marker);
    if (at === -1) continue;
    const basedir = filename.slice(0, at + marker.length - 1);
    if (seen.has(basedir)) continue;
    seen.add(basedir);
    const target = file ? path.join(basedir, file) : mainFile(basedir);
    const cached = target ? require.cache[target] : undefined;
    if (cached && cached.loaded !== false) found.push({ filename: target!, exports: cached.exports, info: { name, basedir, version: readVersion(basedir) } });
  }
  return found;
}

function mainFile(basedir: string): string | undefined {
  try {
    return require.resolve(basedir);
  } catch {
    return undefined;
  }
}
