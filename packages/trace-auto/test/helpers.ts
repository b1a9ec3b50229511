import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { DecodedSpan } from '../../../test-support';

export const PROCESSES = path.join(__dirname, 'processes');
export const script = (name: string) => path.join(PROCESSES, name);
/** How users preload it: the package's `register` entry, resolved from the app's directory. */
export const REGISTER = '@spanwise/trace-auto/register';
export const withRegister = { nodeArgs: ['-r', REGISTER] };
export const REGISTER_JS = path.resolve(__dirname, '..', 'register.js');

export const serverSpans = (spans: DecodedSpan[]) => spans.filter((s) => s.tags['span.kind'] === 'server');
export const clientSpans = (spans: DecodedSpan[]) => spans.filter((s) => s.tags['span.kind'] === 'client');
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How many times `text` occurs in `output`. */
export function occurrences(output: string, text: string): number {
  return output.split(text).length - 1;
}

/** A directory holding `node_modules/<name>` with the given files (fake packages for diagnostics tests). */
export function fakePackage(name: string, files: Record<string, string>): { dir: string; packageDir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanwise-auto-'));
  const packageDir = path.join(dir, 'node_modules', name);
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(packageDir, file)), { recursive: true });
    fs.writeFileSync(path.join(packageDir, file), content);
  }
  return { dir, packageDir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** UDP sockets a process holds right now, from /proc (Linux): its socket fds matched against /proc/net/udp{,6}. */
export function udpSocketsOf(pid: number): number {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    if (!fs.existsSync(table)) continue;
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const inode = line.trim().split(/\s+/)[9];
      if (inode) inodes.add(inode);
    }
  }
  let count = 0;
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match && inodes.has(match[1])) count++;
    } catch {
      // the fd closed meanwhile
    }
  }
  return count;
}
