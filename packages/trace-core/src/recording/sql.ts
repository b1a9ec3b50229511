import { sqlDialect, type SqlDialect, type SqlDialectName } from './sql-dialects';

/**
 * SQL text helpers for database client packages: literal masking for `db.statement` and low-cardinality span
 * names, for any dialect in sql-dialects.ts. Hand-written because no maintained npm library masks literals
 * (comments, escapes, hex, charset introducers, dollar quotes) without pulling in a full parser; each function is
 * one linear scan.
 */

/** Which SQL the text is written in. */
export interface SqlOptions {
  dialect: SqlDialectName;
}

/** Words after which `-5` is a negative literal rather than a subtraction. */
const UNARY_MINUS_AFTER = new Set([
  'SELECT', 'WHERE', 'AND', 'OR', 'NOT', 'ON', 'BY', 'VALUES', 'VALUE', 'SET', 'THEN', 'ELSE', 'WHEN', 'RETURN',
  'LIMIT', 'OFFSET', 'IN', 'IS', 'LIKE', 'BETWEEN', 'CASE', 'HAVING', 'INTERVAL', 'DIV', 'MOD', 'XOR', 'REGEXP',
  'RLIKE', 'DEFAULT', 'AS', 'IF', 'ELSEIF', 'USING', 'FETCH', 'ILIKE',
]);

const SPACE = /\s/;
const DIGIT = /[0-9]/;
const HEX_DIGIT = /[0-9A-Fa-f]/;

/**
 * Replace every literal with `?`: quoted strings (with the dialect's escapes and introducers such as `X'..'`,
 * `N'..'`, `_utf8mb4'..'`, `E'..'`, and Postgres `$tag$..$tag$`), numbers (with sign where unary, decimals,
 * exponents, `0x..`, `0b..`). Identifiers (quoted too), comments, placeholders (`?`, `:name`, `$1`) and keywords
 * (NULL, TRUE) stay. `IN (?, ?, ?)` becomes `IN (?)` and repeated value tuples `(?, ?), (?, ?)` become one, so
 * statements differing only in list length look alike.
 */
export function maskSql(sql: string, options: SqlOptions): string {
  return maskWith(sql, sqlDialect(options.dialect));
}

/** @internal maskSql with the dialect already looked up. */
export function maskWith(sql: string, d: SqlDialect): string {
  let out = '';
  let i = 0;
  const n = sql.length;
  /** True when the last significant token ends an operand (identifier, literal, `)`): a `-` next is binary. */
  let afterOperand = false;
  /** Where the last word starts in `out`, when `out` ends with it (for X'..' and _utf8mb4'..' introducers). */
  let trailingWordAt = -1;
  while (i < n) {
    const c = sql[i];
    let end: number;
    if (SPACE.test(c)) {
      out += c;
      i++;
      trailingWordAt = -1;
      continue;
    }
    if (d.executableComments && (end = executableCommentOpenerEnd(sql, i)) > i) {
      // `/*!50000 ... */`, `/*M!100100 ... */` and `/*+ hints */` run as SQL: their content is masked like the rest,
      // and their closing `*/` passes through as punctuation.
      out += sql.slice(i, end);
      afterOperand = false;
    } else if ((end = commentEndAt(sql, i, d)) > i) {
      out += sql.slice(i, end);
    } else if (d.stringQuotes.includes(c)) {
      if (trailingWordAt >= 0 && d.isIntroducer(out.slice(trailingWordAt))) out = out.slice(0, trailingWordAt);
      out += '?';
      end = stringEnd(sql, i, c, d.backslashEscapes || isEscapeStringAt(sql, i, d));
      afterOperand = true;
    } else if (c === d.identifierQuote) {
      end = stringEnd(sql, i, c, false);
      out += sql.slice(i, end);
      afterOperand = true;
    } else if (d.dollarQuotes && c === '$' && (end = dollarQuoteEnd(sql, i, d)) > i) {
      out += '?';
      afterOperand = true;
    } else if ((end = numberEndAt(sql, i, afterOperand, d)) > i) {
      out += '?';
      afterOperand = true;
    } else if (d.wordStart.test(c) || DIGIT.test(c) || (d.dollarQuotes && c === '$')) {
      end = wordEnd(sql, i + 1, d);
      const word = sql.slice(i, end);
      out += word;
      afterOperand = !UNARY_MINUS_AFTER.has(word.toUpperCase());
      i = end;
      trailingWordAt = out.length - word.length;
      continue;
    } else {
      out += c;
      end = i + 1;
      afterOperand = c === ')' || c === '?';
    }
    i = end;
    trailingWordAt = -1;
  }
  return out.includes('?') ? collapseLists(out) : out;
}

function wordEnd(sql: string, from: number, d: SqlDialect): number {
  let end = from;
  while (end < sql.length && d.wordChar.test(sql[end])) end++;
  return end;
}

/** A string at `i` written `E'..'` (a one-letter prefix, itself not the end of a longer word). */
function isEscapeStringAt(sql: string, i: number, d: SqlDialect): boolean {
  return i >= 1 && d.escapeStringPrefixes.includes(sql[i - 1]) && !(i >= 2 && d.wordChar.test(sql[i - 2]));
}

const IN_LIST = /\bIN\s*\(\s*\?(?:\s*,\s*\?)+\s*\)/gi;
const TUPLE = String.raw`\(\s*\?(?:\s*,\s*\?)*\s*\)`;
const REPEATED_TUPLES = new RegExp(`(${TUPLE})(?:\\s*,\\s*${TUPLE})+`, 'g');

function collapseLists(masked: string): string {
  return masked.replace(IN_LIST, (match) => match.slice(0, 2) + ' (?)').replace(REPEATED_TUPLES, '$1');
}

/** End of the opener of an executable comment or optimizer hint at `i` (`/*!50000`, `/*M!100100`, `/*+`), or `i`. */
function executableCommentOpenerEnd(sql: string, i: number): number {
  if (sql[i] !== '/' || sql[i + 1] !== '*') return i;
  let j = i + 2;
  if (sql[j] === '+') return j + 1;
  if (sql[j] === 'M' && sql[j + 1] === '!') j++;
  if (sql[j] !== '!') return i;
  j++;
  while (j < sql.length && DIGIT.test(sql[j])) j++;
  return j;
}

/** End of a comment starting at `i` (`-- `, `#`, `/* *\/`), or `i` when none starts there. */
function commentEndAt(sql: string, i: number, d: SqlDialect): number {
  const c = sql[i];
  if ((c === '#' && d.hashComments) || (c === '-' && sql[i + 1] === '-' && (!d.dashCommentNeedsSpace || i + 2 >= sql.length || SPACE.test(sql[i + 2])))) {
    const newline = sql.indexOf('\n', i);
    return newline === -1 ? sql.length : newline;
  }
  if (c !== '/' || sql[i + 1] !== '*') return i;
  if (!d.nestedBlockComments) {
    const close = sql.indexOf('*/', i + 2);
    return close === -1 ? sql.length : close + 2;
  }
  let depth = 1;
  let j = i + 2;
  while (j < sql.length && depth > 0) {
    if (sql[j] === '/' && sql[j + 1] === '*') {
      depth++;
      j += 2;
    } else if (sql[j] === '*' && sql[j + 1] === '/') {
      depth--;
      j += 2;
    } else j++;
  }
  return j;
}

/** Index just past the quoted section starting at `i`; a doubled quote and (if `backslash`) a backslash escape. */
function stringEnd(sql: string, i: number, quote: string, backslash: boolean): number {
  let j = i + 1;
  while (j < sql.length) {
    const c = sql[j];
    if (c === '\\' && backslash) {
      j += 2;
      continue;
    }
    if (c === quote) {
      if (sql[j + 1] === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return sql.length;
}

/** End of a `$$..$$` or `$tag$..$tag$` string at `i` (to the end when unclosed), or `i` (a `$1` parameter, a lone `$`). */
function dollarQuoteEnd(sql: string, i: number, d: SqlDialect): number {
  let j = i + 1;
  if (sql[j] !== '$') {
    if (j >= sql.length || !d.wordStart.test(sql[j])) return i;
    while (j < sql.length && sql[j] !== '$' && d.wordChar.test(sql[j])) j++;
    if (sql[j] !== '$') return i;
  }
  const delimiter = sql.slice(i, j + 1);
  const close = sql.indexOf(delimiter, j + 1);
  return close === -1 ? sql.length : close + delimiter.length;
}

/** End of a numeric literal at `i` (a leading `-` only where unary), or `i` when none starts there. */
function numberEndAt(sql: string, i: number, afterOperand: boolean, d: SqlDialect): number {
  let j = i;
  if (sql[j] === '-' || sql[j] === '+') {
    if (afterOperand) return i;
    j++;
  }
  if (sql[j] === '0' && (sql[j + 1] === 'x' || sql[j + 1] === 'X') && HEX_DIGIT.test(sql[j + 2] ?? '')) {
    j += 2;
    while (j < sql.length && HEX_DIGIT.test(sql[j])) j++;
    return numberOrName(sql, i, j, d);
  }
  if (sql[j] === '0' && (sql[j + 1] === 'b' || sql[j + 1] === 'B') && /[01]/.test(sql[j + 2] ?? '')) {
    j += 2;
    while (j < sql.length && /[01]/.test(sql[j])) j++;
    return numberOrName(sql, i, j, d);
  }
  const startsWithDot = sql[j] === '.';
  if (startsWithDot && (afterOperand || !DIGIT.test(sql[j + 1] ?? ''))) return i;
  if (!startsWithDot && !DIGIT.test(sql[j] ?? '')) return i;
  while (j < sql.length && DIGIT.test(sql[j])) j++;
  if (sql[j] === '.') {
    j++;
    while (j < sql.length && DIGIT.test(sql[j])) j++;
  }
  if ((sql[j] === 'e' || sql[j] === 'E') && /[-+0-9]/.test(sql[j + 1] ?? '')) {
    const save = j;
    j++;
    if (sql[j] === '-' || sql[j] === '+') j++;
    if (DIGIT.test(sql[j] ?? '')) while (j < sql.length && DIGIT.test(sql[j])) j++;
    else j = save;
  }
  return numberOrName(sql, i, j, d);
}

/** In MySQL `1abc` and `2024_orders` are identifiers, not numbers: no literal then (`i`); elsewhere the number ends at `j`. */
function numberOrName(sql: string, i: number, j: number, d: SqlDialect): number {
  return d.digitsStartIdentifiers && j < sql.length && d.wordChar.test(sql[j]) ? i : j;
}

/** Statements whose name carries the object kind: `CREATE TABLE users`, `DROP INDEX`. */
const DDL = new Set(['CREATE', 'DROP', 'ALTER', 'RENAME']);
const DDL_OBJECTS_WITH_TABLE = new Set(['TABLE', 'VIEW']);
const DDL_MODIFIERS = /^(OR|REPLACE|TEMPORARY|TEMP|UNLOGGED|UNIQUE|FULLTEXT|SPATIAL|ONLINE|OFFLINE|IGNORE|DEFINER|SQL|SECURITY|ALGORITHM)$/i;
const SKIPPED_MODIFIERS = new Set([
  'LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY', 'IGNORE', 'INTO', 'QUICK', 'TEMPORARY', 'OR', 'REPLACE', 'IF', 'NOT',
  'EXISTS', 'ONLY', 'ONLINE', 'OFFLINE', 'DEFINER', 'ALGORITHM', 'SQL', 'SECURITY', 'TABLE',
]);

/**
 * A low-cardinality span name: the first keyword and the first table (`SELECT users`, `INSERT orders`,
 * `CREATE TABLE users`), or just the keyword (`BEGIN`, `SET`, `SELECT` for `SELECT 1`). Tables keep their
 * schema (`shop.users`), lose their identifier quotes.
 */
export function statementName(sql: string, options: SqlOptions): string {
  return statementNameWith(sql, sqlDialect(options.dialect));
}

/** @internal statementName with the dialect already looked up. */
export function statementNameWith(sql: string, d: SqlDialect): string {
  const words = new Tokens(sql, d);
  const first = words.next();
  if (!first || first.kind !== 'word') return 'SQL';
  const keyword = first.text.toUpperCase();
  switch (keyword) {
    case 'SELECT':
    case 'DELETE':
      return withTable(keyword, tableAfter(words, 'FROM', words.depth));
    case 'INSERT':
    case 'REPLACE':
    case 'UPDATE':
    case 'TRUNCATE':
    case 'CALL':
    case 'DESCRIBE':
    case 'DESC':
      return withTable(keyword, firstTable(words));
    default:
      if (DDL.has(keyword)) return ddlName(keyword, words);
      return keyword.length <= 32 ? keyword : 'SQL';
  }
}

function withTable(keyword: string, table: string | undefined): string {
  return table ? `${keyword} ${table}` : keyword;
}

function ddlName(keyword: string, words: Tokens): string {
  let token = words.next();
  while (token && token.kind === 'word' && DDL_MODIFIERS.test(token.text)) token = words.next();
  if (!token || token.kind !== 'word') return keyword;
  const object = token.text.toUpperCase();
  if (!DDL_OBJECTS_WITH_TABLE.has(object)) return `${keyword} ${object}`;
  return withTable(`${keyword} ${object}`, firstTable(words));
}

/** The first identifier after the modifiers (INTO, IGNORE, IF NOT EXISTS...), if it is a table name. */
function firstTable(words: Tokens): string | undefined {
  let token = words.next();
  while (token && token.kind === 'word' && SKIPPED_MODIFIERS.has(token.text.toUpperCase())) token = words.next();
  return token && (token.kind === 'word' || token.kind === 'quoted') ? qualifiedName(token, words) : undefined;
}

/** The table after `keyword` (FROM) at the statement's own nesting level, or undefined for `FROM (subquery)`. */
function tableAfter(words: Tokens, keyword: string, depth: number): string | undefined {
  for (let token = words.next(); token; token = words.next()) {
    if (token.kind === 'word' && words.depth === depth && token.text.toUpperCase() === keyword) {
      const next = words.next();
      const isTable = next && (next.kind === 'word' || next.kind === 'quoted') && words.depth === depth;
      return isTable ? qualifiedName(next, words) : undefined;
    }
  }
  return undefined;
}

/** `schema.table` from consecutive tokens separated by dots. */
function qualifiedName(first: Token, words: Tokens): string {
  let name = first.text;
  while (words.peekDot()) {
    words.skipDot();
    const part = words.next();
    if (!part || (part.kind !== 'word' && part.kind !== 'quoted')) break;
    name += '.' + part.text;
  }
  return name.length <= 64 ? name : name.slice(0, 64);
}

interface Token {
  kind: 'word' | 'quoted' | 'other';
  text: string;
}

/** Words, quoted identifiers and punctuation of a statement, skipping comments, strings and leading `(`. */
class Tokens {
  private i = 0;
  depth = 0;

  constructor(
    private readonly sql: string,
    private readonly d: SqlDialect,
  ) {}

  next(): Token | undefined {
    const { sql, d } = this;
    for (;;) {
      while (this.i < sql.length && SPACE.test(sql[this.i])) this.i++;
      if (this.i >= sql.length) return undefined;
      const start = this.i;
      const c = sql[start];
      let end = commentEndAt(sql, start, d);
      if (end === start && d.stringQuotes.includes(c)) end = stringEnd(sql, start, c, d.backslashEscapes || isEscapeStringAt(sql, start, d));
      if (end === start && d.dollarQuotes && c === '$') end = dollarQuoteEnd(sql, start, d);
      if (end > start) {
        this.i = end;
        continue;
      }
      if (c === d.identifierQuote) {
        this.i = stringEnd(sql, start, c, false);
        return { kind: 'quoted', text: sql.slice(start + 1, this.i - 1).split(c + c).join(c) };
      }
      if (d.wordChar.test(c)) {
        this.i = wordEnd(sql, start + 1, d);
        return { kind: 'word', text: sql.slice(start, this.i) };
      }
      this.i++;
      if (c === '(') {
        this.depth++;
        continue;
      }
      if (c === ')') {
        this.depth = Math.max(0, this.depth - 1);
        continue;
      }
      return { kind: 'other', text: c };
    }
  }

  peekDot(): boolean {
    return this.sql[this.i] === '.';
  }

  skipDot(): void {
    this.i++;
  }
}

/**
 * Cache for per-statement work (names, masks): apps send the same few hundred statement texts over and over.
 * Bounded: when full it starts over, which is cheap and keeps memory flat for apps that inline literals.
 */
export class StatementCache<V> {
  private readonly map = new Map<string, V>();

  constructor(private readonly capacity = 500) {}

  get(key: string, compute: (key: string) => V): V {
    let value = this.map.get(key);
    if (value === undefined) {
      value = compute(key);
      if (key.length <= 4096) {
        if (this.map.size >= this.capacity) this.map.clear();
        this.map.set(key, value);
      }
    }
    return value;
  }
}
