import { maskQuotedValues } from '../redaction';
import { maskWith, type SqlOptions } from './sql';
import { MYSQL, sqlDialect, type SqlDialectName } from './sql-dialects';

/**
 * Database servers quote values in their error messages (`Duplicate entry 'alice@x' for key 'email'`,
 * `invalid input syntax for type integer: "abc"`): each dialect's masker keeps the quoted names its server prints
 * in known places and masks every other quoted fragment.
 */
export function maskSqlErrorMessage(message: string, options: SqlOptions): string {
  return ERROR_MASKERS[sqlDialect(options.dialect).name](message);
}

/**
 * Quoted names that MySQL/MariaDB error messages print and that are identifiers, not values: kept
 * (`for key 'email'`, `Table 'shop.users' doesn't exist`, `for user 'app'@'10.0.0.1'`, `in 'field list'`). Only
 * names without spaces or quotes qualify, so an expression or a value never does.
 */
const MYSQL_IDENTIFIERS = new RegExp(
  String.raw`(?<=(?:\b(?:for key|key|[Cc]olumn|[Tt]able|[Ff]ield|[Vv]ariable|user|[Dd]atabase|[Cc]onstraint|CONSTRAINT|[Ii]ndex|FUNCTION|PROCEDURE|[Ff]unction|[Pp]rocedure|operation|[Ss]chema|[Tt]rigger|[Vv]iew) )|@)` +
    String.raw`'[^'\s]{1,192}'(?=$|[\s,.;:()@])` +
    String.raw`|(?<=\bin )'(?:field list|where clause|on clause|order clause|group statement|having clause|IN/ALL/ANY subquery)'`,
  'g',
);
const MYSQL_NEAR = /^([\s\S]*? near )'([\s\S]*)'( at line \d+)$/;

/**
 * MySQL/MariaDB quote statement fragments and values raw, inner quotes unescaped (`Duplicate entry '?'hunter2'
 * for key 'email'`, `near 'pw = 'hunter2'' at line 1`, `Incorrect integer value: 'abc' for column ...`): every
 * quoted fragment is masked except quoted identifiers; the fragment of a syntax error (`near '...' at line N`) is
 * masked as SQL (literals become `?`).
 */
function maskMysqlErrorMessage(message: string): string {
  if (message.indexOf("'") === -1) return message;
  const near = MYSQL_NEAR.exec(message);
  if (near) return maskMysqlValues(near[1]) + "'" + maskMysqlFragment(near[2]) + "'" + near[3];
  return maskMysqlValues(message);
}

/**
 * The server prints the fragment raw, but a proxy or an older server may double its quotes: mask it both ways
 * and keep the shorter (every literal shrinks to `?`, so the reading that masked more is the shorter one).
 */
function maskMysqlFragment(fragment: string): string {
  const raw = maskWith(fragment, MYSQL);
  if (fragment.indexOf("''") === -1) return raw;
  const undoubled = maskWith(fragment.replace(/''/g, "'"), MYSQL);
  return undoubled.length < raw.length ? undoubled : raw;
}

/** Values quoted before a fixed suffix (`Duplicate entry '...' for key`) end at the suffix's last occurrence. */
const MYSQL_VALUE_BEFORE: ReadonlyArray<[string, string]> = [
  ["Duplicate entry '", "' for key "],
  [" value: '", "' for column "],
];

function maskMysqlValues(message: string): string {
  for (const [opening, closing] of MYSQL_VALUE_BEFORE) {
    const start = message.indexOf(opening);
    const end = start === -1 ? -1 : message.lastIndexOf(closing);
    if (end >= start + opening.length) {
      const head = message.slice(0, start + opening.length - 1);
      return maskQuotedValues(head, MYSQL_IDENTIFIERS) + "'?'" + maskQuotedValues(message.slice(end + 1), MYSQL_IDENTIFIERS);
    }
  }
  return maskQuotedValues(message, MYSQL_IDENTIFIERS);
}

/**
 * Names Postgres prints in double quotes after the kind of object they name (`relation "users" does not exist`,
 * `violates unique constraint "users_email_key"`, `column "x" of relation "t"`): kept. Values it quotes the same
 * way (`invalid input syntax for type integer: "abc"`, `at or near "'hunter2'"`) are masked.
 */
const POSTGRES_IDENTIFIERS = new RegExp(
  String.raw`(?<=\b(?:relation|column|constraint|table|type|function|index|schema|database|role|user|sequence|view|trigger|extension|operator|cursor|statement|savepoint|parameter|tablespace|domain|collation) )` +
    String.raw`"[^"\s]{1,128}"(?=$|[\s,.;:()])`,
  'g',
);

/** Postgres quotes values with `"` and, in messages written by functions and extensions, sometimes with `'`. */
function maskPostgresErrorMessage(message: string): string {
  return maskQuotedValues(maskQuotedValues(message, POSTGRES_IDENTIFIERS, '"'));
}

const ERROR_MASKERS: Readonly<Record<SqlDialectName, (message: string) => string>> = {
  mysql: maskMysqlErrorMessage,
  postgres: maskPostgresErrorMessage,
};
