/**
 * What the SQL scanner needs to know about one database's lexical rules. A dialect is a table of these rules,
 * not code: a new database is a new object here (and, if its error messages quote values, an error masker in
 * sql-errors.ts).
 */
export interface SqlDialect {
  readonly name: SqlDialectName;
  /** Characters that open a string literal. */
  readonly stringQuotes: string;
  /** Whether a backslash escapes the next character inside every string literal (MySQL), or only in E'' (Postgres). */
  readonly backslashEscapes: boolean;
  /** One-letter prefixes that make a string with backslash escapes, when standard strings have none (Postgres `E'..'`). */
  readonly escapeStringPrefixes: string;
  /** The character that quotes identifiers, kept as written (MySQL backtick, Postgres double quote). */
  readonly identifierQuote: string;
  /** A word written right before a string that is part of the literal (`X'ff'`, `N'x'`, `_utf8mb4'x'`), masked with it. */
  readonly isIntroducer: (word: string) => boolean;
  /** `#` starts a line comment (MySQL). */
  readonly hashComments: boolean;
  /** `--` starts a comment only when followed by white space (MySQL; in Postgres `--` always does). */
  readonly dashCommentNeedsSpace: boolean;
  /** `/* /* *\/ *\/` nests (Postgres). */
  readonly nestedBlockComments: boolean;
  /** `/*! .. *\/`, `/*M! .. *\/` and `/*+ .. *\/` run as SQL, so their content is masked (MySQL, MariaDB). */
  readonly executableComments: boolean;
  /** `$tag$..$tag$` strings and `$1` parameters (Postgres). */
  readonly dollarQuotes: boolean;
  /** `1abc` is an identifier, not a number followed by a name (MySQL). */
  readonly digitsStartIdentifiers: boolean;
  /** First character of an unquoted identifier or keyword. */
  readonly wordStart: RegExp;
  /** Later characters of an unquoted identifier or keyword. */
  readonly wordChar: RegExp;
}

/** The dialects `maskSql` and `statementName` know. */
export type SqlDialectName = 'mysql' | 'postgres';

export const MYSQL: SqlDialect = {
  name: 'mysql',
  stringQuotes: `'"`,
  backslashEscapes: true,
  escapeStringPrefixes: '',
  identifierQuote: '`',
  isIntroducer: (word) => /^[xXbBnN]$/.test(word) || (word[0] === '_' && word.length > 1),
  hashComments: true,
  dashCommentNeedsSpace: true,
  nestedBlockComments: false,
  executableComments: true,
  dollarQuotes: false,
  digitsStartIdentifiers: true,
  wordStart: /[A-Za-z_$\u0080-\uffff]/,
  wordChar: /[A-Za-z0-9_$\u0080-\uffff]/,
};

export const POSTGRES: SqlDialect = {
  name: 'postgres',
  stringQuotes: `'`,
  backslashEscapes: false,
  escapeStringPrefixes: 'eE',
  identifierQuote: '"',
  isIntroducer: (word) => /^[xXbBnNeE]$/.test(word),
  hashComments: false,
  dashCommentNeedsSpace: false,
  nestedBlockComments: true,
  executableComments: false,
  dollarQuotes: true,
  digitsStartIdentifiers: false,
  wordStart: /[A-Za-z_\u0080-\uffff]/,
  wordChar: /[A-Za-z0-9_$\u0080-\uffff]/,
};

const DIALECTS: ReadonlyMap<string, SqlDialect> = new Map([
  ['mysql', MYSQL],
  ['postgres', POSTGRES],
]);

/** The dialect named `name`; an unknown name throws (a programming error in the calling package). */
export function sqlDialect(name: SqlDialectName): SqlDialect {
  const dialect = DIALECTS.get(name);
  if (dialect === undefined) throw new TypeError(`unknown SQL dialect "${String(name)}" (known: ${[...DIALECTS.keys()].join(', ')})`);
  return dialect;
}
