import { maskQuotedValues } from '@spanwise/trace-core';

/**
 * SQL text helpers: literal masking for `db.statement` and low-cardinality span names.
 * Hand-written because no maintained npm library masks MySQL literals (comments, escapes, hex, charset
 * introducers) without pulling in a full parser; both functions are single linear scans.
 */

/** Words after which `-5` is a negative literal rather than a subtraction. */
const UNARY_MINUS_AFTER = new Set([
  'SELECT', 'WHERE', 'AND', 'OR', 'NOT', 'ON', 'BY', 'VALUES', 'VALUE', 'SET', 'THEN', 'ELSE', 'WHEN', 'RETURN',
  'LIMIT', 'OFFSET', 'IN', 'IS', 'LIKE', 'BETWEEN', 'CASE', 'HAVING', 'INTERVAL', 'DIV', 'MOD', 'XOR', 'REGEXP',
  'RLIKE', 'DEFAULT', 'AS', 'IF', 'ELSEIF', 'USING',
]);

const SPACE = /\s/;
const WORD_START = /[A-Za-z_$\u0080-\uffff]/;
const WORD_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const DIGIT = /[0-9]/;
const HEX_DIGIT = /[0-9A-Fa-f]/;

/**
 * Replace every literal with `?`: quoted strings ('..', "..", with '' and \' escapes; X'..', B'..', N'..' and
 * _charset'..' introducers), numbers (with sign where unary, decimals, exponents, 0x.., 0b..). Identifiers
 * (`backticks` too), comments, placeholders and keywords (NULL, TRUE) stay. `IN (?, ?, ?)` becomes `IN (?)` and
 * repeated value tuples `(?, ?), (?, ?)` become one, so statements differing only in list length look alike.
 */
export function maskSql(sql: string): string {
  let out = '';
  let i = 0;
  const n = sql.length;
  /** True when the last significant token ends an operand (identifier, literal, `)`): a `-` next is binary. */
  let afterOperand = false;
  /** Where the last word starts in `out`, when `out` ends with it (for X'..' and _utf8mb4'..' introducers). */
  let trailingWordAt = -1;
  while (i < n) {
    const c = sql[i];
    if (SPACE.test(c)) {
      out += c;
      i++;
      trailingWordAt = -1;
      continue;
    }
    const executableEnd = executableCommentOpenerEnd(sql, i);
    if (executableEnd > i) {
      // `/*!50000 ... */`, `/*M!100100 ... */` and `/*+ hints */` run as SQL: their content is masked like the rest,
      // and their closing `*/` passes through as punctuation.
      out += sql.slice(i, executableEnd);
      i = executableEnd;
      afterOperand = false;
      trailingWordAt = -1;
      continue;
    }
    const commentEnd = commentEndAt(sql, i);
    if (commentEnd > i) {
      out += sql.slice(i, commentEnd);
      i = commentEnd;
      trailingWordAt = -1;
      continue;
    }
    if (c === "'" || c === '"') {
      if (trailingWordAt >= 0 && isIntroducer(out.slice(trailingWordAt))) out = out.slice(0, trailingWordAt);
      out += '?';
      i = quotedEnd(sql, i, c);
      afterOperand = true;
      trailingWordAt = -1;
      continue;
    }
    if (c === '`') {
      const end = quotedEnd(sql, i, '`');
      out += sql.slice(i, end);
      i = end;
      afterOperand = true;
      trailingWordAt = -1;
      continue;
    }
    const numberEnd = numberEndAt(sql, i, afterOperand);
    if (numberEnd > i) {
      out += '?';
      i = numberEnd;
      afterOperand = true;
      trailingWordAt = -1;
      continue;
    }
    if (WORD_START.test(c) || DIGIT.test(c)) {
      let end = i + 1;
      while (end < n && WORD_CHAR.test(sql[end])) end++;
      const word = sql.slice(i, end);
      trailingWordAt = out.length;
      out += word;
      afterOperand = !UNARY_MINUS_AFTER.has(word.toUpperCase());
      i = end;
      continue;
    }
    out += c;
    i++;
    afterOperand = c === ')' || c === '?';
    trailingWordAt = -1;
  }
  return out.includes('?') ? collapseLists(out) : out;
}

function isIntroducer(word: string): boolean {
  return /^[xXbBnN]$/.test(word) || (word[0] === '_' && word.length > 1);
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
function commentEndAt(sql: string, i: number): number {
  const c = sql[i];
  if (c === '#' || (c === '-' && sql[i + 1] === '-' && (i + 2 >= sql.length || /\s/.test(sql[i + 2])))) {
    const newline = sql.indexOf('\n', i);
    return newline === -1 ? sql.length : newline;
  }
  if (c === '/' && sql[i + 1] === '*') {
    const close = sql.indexOf('*/', i + 2);
    return close === -1 ? sql.length : close + 2;
  }
  return i;
}

/** Index just past the quoted section starting at `i`; doubled quotes and (except in backticks) backslashes escape. */
function quotedEnd(sql: string, i: number, quote: string): number {
  let j = i + 1;
  while (j < sql.length) {
    const c = sql[j];
    if (c === '\\' && quote !== '`') {
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

/** End of a numeric literal at `i` (a leading `-` only where unary), or `i` when none starts there. */
function numberEndAt(sql: string, i: number, afterOperand: boolean): number {
  let j = i;
  if (sql[j] === '-' || sql[j] === '+') {
    if (afterOperand) return i;
    j++;
  }
  if (sql[j] === '0' && (sql[j + 1] === 'x' || sql[j + 1] === 'X') && HEX_DIGIT.test(sql[j + 2] ?? '')) {
    j += 2;
    while (j < sql.length && HEX_DIGIT.test(sql[j])) j++;
    return WORD_CHAR.test(sql[j] ?? '') ? i : j;
  }
  if (sql[j] === '0' && (sql[j + 1] === 'b' || sql[j + 1] === 'B') && /[01]/.test(sql[j + 2] ?? '')) {
    j += 2;
    while (j < sql.length && /[01]/.test(sql[j])) j++;
    return WORD_CHAR.test(sql[j] ?? '') ? i : j;
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
  // `1abc` and `2024_orders` are identifiers in MySQL, not numbers
  return WORD_CHAR.test(sql[j] ?? '') ? i : j;
}

/** Statements whose name carries the object kind: `CREATE TABLE users`, `DROP INDEX`. */
const DDL = new Set(['CREATE', 'DROP', 'ALTER', 'RENAME']);
const DDL_OBJECTS_WITH_TABLE = new Set(['TABLE', 'VIEW']);
const SKIPPED_MODIFIERS = new Set([
  'LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY', 'IGNORE', 'INTO', 'QUICK', 'TEMPORARY', 'OR', 'REPLACE', 'IF', 'NOT',
  'EXISTS', 'ONLY', 'ONLINE', 'OFFLINE', 'DEFINER', 'ALGORITHM', 'SQL', 'SECURITY', 'TABLE',
]);

/**
 * A low-cardinality span name: the first keyword and the first table (`SELECT users`, `INSERT orders`,
 * `CREATE TABLE users`), or just the keyword (`BEGIN`, `SET`, `SELECT` for `SELECT 1`). Tables keep their
 * schema (`shop.users`), lose their backticks.
 */
export function statementName(sql: string): string {
  const words = new Tokens(sql);
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
      return withTable(keyword, firstTable(words));
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
  while (token && token.kind === 'word' && /^(OR|REPLACE|TEMPORARY|UNIQUE|FULLTEXT|SPATIAL|ONLINE|OFFLINE|IGNORE|DEFINER|SQL|SECURITY|ALGORITHM)$/i.test(token.text)) token = words.next();
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

/** Words, `quoted identifiers` and punctuation of a statement, skipping comments, strings and leading `(`. */
class Tokens {
  private i = 0;
  depth = 0;

  constructor(private readonly sql: string) {}

  next(): Token | undefined {
    const sql = this.sql;
    for (;;) {
      while (this.i < sql.length && SPACE.test(sql[this.i])) this.i++;
      if (this.i >= sql.length) return undefined;
      const commentEnd = commentEndAt(sql, this.i);
      if (commentEnd > this.i) {
        this.i = commentEnd;
        continue;
      }
      const c = sql[this.i];
      if (c === "'" || c === '"') {
        this.i = quotedEnd(sql, this.i, c);
        continue;
      }
      if (c === '`') {
        const end = quotedEnd(sql, this.i, '`');
        const text = sql.slice(this.i + 1, end - 1).replace(/``/g, '`');
        this.i = end;
        return { kind: 'quoted', text };
      }
      if (WORD_CHAR.test(c)) {
        const start = this.i;
        while (this.i < sql.length && WORD_CHAR.test(sql[this.i])) this.i++;
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

/** Cut `text` to `limit` characters, marking the cut. */
export function truncateStatement(text: string, limit: number): string {
  if (!(limit > 0) || text.length <= limit) return text;
  return text.slice(0, Math.max(0, limit - 3)) + '...';
}

/**
 * Quoted names that MySQL/MariaDB error messages print and that are identifiers, not values: kept by
 * `maskErrorMessage` (`for key 'email'`, `Table 'shop.users' doesn't exist`, `for user 'app'@'10.0.0.1'`,
 * `in 'field list'`). Only names without spaces or quotes qualify, so an expression or a value never does.
 */
const ERROR_IDENTIFIERS = new RegExp(
  String.raw`(?<=(?:\b(?:for key|key|[Cc]olumn|[Tt]able|[Ff]ield|[Vv]ariable|user|[Dd]atabase|[Cc]onstraint|CONSTRAINT|[Ii]ndex|FUNCTION|PROCEDURE|[Ff]unction|[Pp]rocedure|operation|[Ss]chema|[Tt]rigger|[Vv]iew) )|@)` +
    String.raw`'[^'\s]{1,192}'(?=$|[\s,.;:()@])` +
    String.raw`|(?<=\bin )'(?:field list|where clause|on clause|order clause|group statement|having clause|IN/ALL/ANY subquery)'`,
  'g',
);
const NEAR = /^([\s\S]*? near )'([\s\S]*)'( at line \d+)$/;

/**
 * MySQL/MariaDB error messages quote statement fragments and values raw, inner quotes unescaped
 * (`Duplicate entry '?'hunter2' for key 'email'`, `near 'pw = 'hunter2'' at line 1`,
 * `Incorrect integer value: 'abc' for column ...`): every quoted fragment is masked except quoted identifiers;
 * the fragment of a syntax error (`near '...' at line N`) is masked as SQL (literals become `?`).
 */
export function maskErrorMessage(message: string): string {
  if (message.indexOf("'") === -1) return message;
  const near = NEAR.exec(message);
  if (near) return maskValues(near[1]) + "'" + maskFragment(near[2]) + "'" + near[3];
  return maskValues(message);
}

/**
 * The server prints the fragment raw, but a proxy or an older server may double its quotes: mask it both ways
 * and keep the shorter (every literal shrinks to `?`, so the reading that masked more is the shorter one).
 */
function maskFragment(fragment: string): string {
  const raw = maskSql(fragment);
  if (fragment.indexOf("''") === -1) return raw;
  const undoubled = maskSql(fragment.replace(/''/g, "'"));
  return undoubled.length < raw.length ? undoubled : raw;
}

/** Values quoted before a fixed suffix (`Duplicate entry '...' for key`) end at the suffix's last occurrence. */
const VALUE_BEFORE: ReadonlyArray<[string, string]> = [
  ["Duplicate entry '", "' for key "],
  [" value: '", "' for column "],
];

function maskValues(message: string): string {
  for (const [opening, closing] of VALUE_BEFORE) {
    const start = message.indexOf(opening);
    const end = start === -1 ? -1 : message.lastIndexOf(closing);
    if (end >= start + opening.length) {
      const head = message.slice(0, start + opening.length - 1);
      return maskQuotedValues(head, ERROR_IDENTIFIERS) + "'?'" + maskQuotedValues(message.slice(end + 1), ERROR_IDENTIFIERS);
    }
  }
  return maskQuotedValues(message, ERROR_IDENTIFIERS);
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
