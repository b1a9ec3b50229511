/**
 * Secrets never reach a span: credential headers are dropped, secret-looking headers are recorded as REDACTED,
 * URL userinfo is replaced, the values of query parameters with secret-looking names are replaced (names are
 * kept), and error messages that quote values can be masked.
 */
export interface RedactionOptions {
  /** Header names never recorded, in addition to Authorization, Proxy-Authorization, Cookie and Set-Cookie. */
  headers?: string[];
  /**
   * Headers whose names look like credentials (see `DEFAULT_SECRET_HEADER_PATTERNS`: `x-api-key`, `x-auth-token`,
   * `x-session-id`...) are recorded as `REDACTED` even when listed in `headersAsTags`. List one here (exact name,
   * case-insensitive) to record its real value. Authorization, Proxy-Authorization, Cookie, Set-Cookie and the
   * `headers` above are never recorded, whatever this says.
   */
  recordSecretHeaders?: string[];
  /** Query parameter names (exact, case-insensitive) or patterns whose values are replaced. Replaces the default list. */
  queryParams?: Array<string | RegExp>;
  /** What replaces a secret. Default `REDACTED`. */
  replacement?: string;
}

export const REDACTED = 'REDACTED';
export const DEFAULT_SENSITIVE_HEADERS: readonly string[] = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'];
/** Names that look secret: matched anywhere in the name, except `key` and `sig` which must be the whole name. */
export const DEFAULT_SECRET_QUERY_PARAMS: readonly RegExp[] = [
  /pass(word|wd)?/i,
  /pwd/i,
  /secret/i,
  /token/i,
  /api[-_]?key/i,
  /^key$/i,
  /auth/i,
  /signature/i,
  /^sig$/i,
  /session/i,
  /credential/i,
  /jwt/i,
  /private/i,
];

/**
 * Header names that look like credentials: their values are recorded as `REDACTED` (unless listed in
 * `recordSecretHeaders`). Matched anywhere in the lower-case name.
 */
export const DEFAULT_SECRET_HEADER_PATTERNS: readonly RegExp[] = [
  /api[-_]?key/,
  /(^|[-_])key$/,
  /token/,
  /secret/,
  /pass(word|wd)?/,
  /pwd/,
  /auth/,
  /session/,
  /(^|[-_])sid$/,
  /cookie/,
  /credential/,
  /signature/,
  /jwt/,
  /[cx]srf/,
  /private/,
];

/** How a header listed in `headersAsTags` is recorded. */
export type HeaderPolicy = 'record' | 'redact' | 'drop';

const MAX_CACHED_NAMES = 512;

export class Redactor {
  private readonly sensitiveHeaders: Set<string>;
  private readonly recordedSecretHeaders: Set<string>;
  private readonly headerPolicies = new Map<string, HeaderPolicy>();
  private readonly secretParams: RegExp[];
  private readonly replacement: string;
  /** Verdicts per parameter name: URLs repeat the same few names, so each is judged once (bounded). */
  private readonly verdicts = new Map<string, boolean>();

  constructor(options: RedactionOptions = {}) {
    this.sensitiveHeaders = new Set([...DEFAULT_SENSITIVE_HEADERS, ...(options.headers ?? []).map((h) => h.toLowerCase())]);
    this.recordedSecretHeaders = new Set((options.recordSecretHeaders ?? []).map((h) => h.toLowerCase()));
    this.secretParams = (options.queryParams ?? DEFAULT_SECRET_QUERY_PARAMS).map((p) =>
      typeof p === 'string' ? new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'i') : p,
    );
    this.replacement = options.replacement ?? REDACTED;
  }

  isSensitiveHeader(name: string): boolean {
    return this.sensitiveHeaders.has(name.toLowerCase());
  }

  /**
   * `drop`: never recorded (credential headers); `redact`: recorded as the replacement (names that look secret,
   * unless opted in by `recordSecretHeaders`); `record`: the value as sent.
   */
  headerPolicy(name: string): HeaderPolicy {
    const lower = name.toLowerCase();
    let policy = this.headerPolicies.get(lower);
    if (policy === undefined) {
      if (this.sensitiveHeaders.has(lower)) policy = 'drop';
      else if (this.recordedSecretHeaders.has(lower)) policy = 'record';
      else policy = DEFAULT_SECRET_HEADER_PATTERNS.some((pattern) => pattern.test(lower)) ? 'redact' : 'record';
      if (this.headerPolicies.size >= MAX_CACHED_NAMES) this.headerPolicies.clear();
      this.headerPolicies.set(lower, policy);
    }
    return policy;
  }

  /** What replaces a secret (`REDACTED` unless configured). */
  get replacementText(): string {
    return this.replacement;
  }

  isSecretParam(name: string): boolean {
    let verdict = this.verdicts.get(name);
    if (verdict === undefined) {
      verdict = this.judgeParam(name);
      if (this.verdicts.size >= MAX_CACHED_NAMES) this.verdicts.clear();
      this.verdicts.set(name, verdict);
    }
    return verdict;
  }

  private judgeParam(name: string): boolean {
    let decoded = name;
    if (name.includes('%')) {
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // keep the raw name
      }
    }
    return this.secretParams.some((pattern) => pattern.test(decoded));
  }

  /** A URL or path as it may be recorded: no userinfo, secret query values replaced, no fragment. */
  url(url: string): string {
    // Most URLs recorded are plain paths: nothing to do.
    if (url.indexOf('?') === -1 && url.indexOf('#') === -1 && url.indexOf('@') === -1) return url;
    const hash = url.indexOf('#');
    let result = hash === -1 ? url : url.slice(0, hash);
    const query = result.indexOf('?');
    const base = query === -1 ? result : result.slice(0, query);
    const cleanBase = this.withoutUserinfo(base);
    if (query === -1) return cleanBase;
    result = cleanBase + '?' + this.query(result.slice(query + 1));
    return result;
  }

  private withoutUserinfo(base: string): string {
    const scheme = base.indexOf('://');
    if (scheme === -1) return base;
    const authorityStart = scheme + 3;
    const slash = base.indexOf('/', authorityStart);
    const authorityEnd = slash === -1 ? base.length : slash;
    const at = base.lastIndexOf('@', authorityEnd - 1);
    if (at < authorityStart) return base;
    return `${base.slice(0, authorityStart)}${this.replacement}@${base.slice(at + 1)}`;
  }

  private query(query: string): string {
    if (query === '') return query;
    const pairs = query.split('&');
    let changed = false;
    for (let i = 0; i < pairs.length; i++) {
      const eq = pairs[i].indexOf('=');
      const name = eq === -1 ? pairs[i] : pairs[i].slice(0, eq);
      if (eq !== -1 && this.isSecretParam(name)) {
        pairs[i] = `${name}=${this.replacement}`;
        changed = true;
      }
    }
    return changed ? pairs.join('&') : query;
  }

  /** Credentials in a connection string (`mysql://user:secret@host/db`, `password=...;`) replaced. */
  connectionString(value: string): string {
    return this.url(value).replace(/((?:^|[;\s])(?:password|pwd)\s*=\s*)([^;]*)/gi, `$1${this.replacement}`);
  }
}

/**
 * Mask the quoted fragments of an error message that may quote values: `... value of 'hunter2'` → `... value of '?'`.
 * Servers quote values raw (inner quotes unescaped), so a fragment cannot be delimited reliably: between two kept
 * spans (`keep`, a global RegExp matching quoted identifiers such as `for key 'email'`), everything from the first
 * opening quote to the last quote is one masked fragment. A quote right after a letter or digit (`doesn't`) opens
 * nothing. `quote` is the quote character the server uses (default `'`; Postgres quotes values with `"`).
 */
export function maskQuotedValues(message: string, keep?: RegExp, quote = "'"): string {
  if (message.indexOf(quote) === -1) return message;
  let out = '';
  let from = 0;
  if (keep) {
    keep.lastIndex = 0;
    for (let match = keep.exec(message); match !== null; match = keep.exec(message)) {
      if (match[0] === '') {
        keep.lastIndex++;
        continue;
      }
      out += maskRegion(message, from, match.index, quote) + match[0];
      from = match.index + match[0].length;
    }
  }
  return out + maskRegion(message, from, message.length, quote);
}

function maskRegion(message: string, from: number, to: number, quote: string): string {
  let open = -1;
  for (let i = message.indexOf(quote, from); i !== -1 && i < to; i = message.indexOf(quote, i + 1)) {
    if (i === 0 || !/[A-Za-z0-9_]/.test(message[i - 1])) {
      open = i;
      break;
    }
  }
  if (open === -1) return message.slice(from, to);
  const close = message.lastIndexOf(quote, to - 1);
  if (close <= open) return message.slice(from, open) + quote + '?';
  return message.slice(from, open) + quote + '?' + quote + message.slice(close + 1, to);
}

/**
 * A look-alike of `error` (same prototype, name and constructor) whose message is `message`, for the span: the
 * stack's header (which repeats the message) is rebuilt, its frames kept; no other property is copied (a driver's
 * `sqlMessage`, `sql` or `command` never reach the span). The app's error object is never modified.
 */
export function errorWithMessage(error: Error, message: string): Error {
  const copy = Object.create(Object.getPrototypeOf(error) as object) as Error;
  // defineProperty: some error classes (redis-errors) define `name` as a getter
  Object.defineProperty(copy, 'name', { value: error.name, configurable: true });
  Object.defineProperty(copy, 'message', { value: message, configurable: true });
  const stack = typeof error.stack === 'string' ? error.stack : undefined;
  if (stack !== undefined) {
    const frames = stack.search(/\n\s+at /);
    Object.defineProperty(copy, 'stack', { value: `${error.name}: ${message}${frames === -1 ? '' : stack.slice(frames)}`, configurable: true });
  }
  return copy;
}

/** `error` with its message passed through `mask`, or `error` itself when nothing changed (or it is no Error). */
export function withMaskedMessage(error: unknown, mask: (message: string) => string): unknown {
  if (!(error instanceof Error) || typeof error.message !== 'string') return error;
  const masked = mask(error.message);
  if (masked === error.message && (typeof error.stack !== 'string' || mask(error.stack) === error.stack)) return error;
  return errorWithMessage(error, masked);
}
