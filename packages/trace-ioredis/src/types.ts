/** Options of `patch()`. */
export interface IoredisTracingOptions {
  /**
   * What `db.statement` records. `'key'` (default): the command and its first key (`GET user:1`), never values,
   * and nothing but the name for commands without keys (AUTH, HELLO, CLIENT...). `'command'`: the name only.
   * A function: your own, from the command name and its key list (return undefined to omit the tag; a throw
   * omits the tag, keeps the span and is logged once, naming the option).
   */
  statement?: 'key' | 'command' | ((command: string, keys: string[]) => string | undefined);
  /** `db.statement` (and a pipeline's command list) is cut to this many characters (default 2048). */
  maxStatementLength?: number;
}

/** An ioredis Command: name, args, and the resolve/reject its reply settles. */
export interface CommandLike {
  name: string;
  args?: unknown[];
  resolve?: (value: unknown) => unknown;
  reject?: (error: unknown) => unknown;
  getKeys?: () => unknown[];
}

/** The parts of a Redis (or Cluster) client the spans read. */
export interface ClientLike {
  options?: { host?: string; port?: number; path?: string; db?: number; username?: string };
  condition?: { select?: number } | null;
  status?: string;
  isCluster?: boolean;
  once?(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener?(event: string, listener: (...args: unknown[]) => void): unknown;
}

export interface PipelineLike {
  _queue?: CommandLike[];
  redis?: ClientLike;
  isCluster?: boolean;
  resolve?: (value: unknown) => unknown;
  reject?: (error: unknown) => unknown;
}
