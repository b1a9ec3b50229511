/**
 * Secrets never reach a span: credential headers are dropped, URL userinfo is replaced,
 * and the values of query parameters with secret-looking names are replaced (names are kept).
 */
export interface RedactionOptions {
  /** Header names never recorded, in addition to Authorization, Proxy-Authorization, Cookie and Set-Cookie. */
  headers?: string[];
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

const MAX_CACHED_NAMES = 512;

export class Redactor {
  private readonly sensitiveHeaders: Set<string>;
  private readonly secretParams: RegExp[];
  private readonly replacement: string;
  /** Verdicts per parameter name: URLs repeat the same few names, so each is judged once (bounded). */
  private readonly verdicts = new Map<string, boolean>();

  constructor(options: RedactionOptions = {}) {
    this.sensitiveHeaders = new Set([...DEFAULT_SENSITIVE_HEADERS, ...(options.headers ?? []).map((h) => h.toLowerCase())]);
    this.secretParams = (options.queryParams ?? DEFAULT_SECRET_QUERY_PARAMS).map((p) =>
      typeof p === 'string' ? new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'i') : p,
    );
    this.replacement = options.replacement ?? REDACTED;
  }

  isSensitiveHeader(name: string): boolean {
    return this.sensitiveHeaders.has(name.toLowerCase());
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
