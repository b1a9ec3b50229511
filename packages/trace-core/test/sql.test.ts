/**
 * The dialect-specific rules of trace-core's SQL scanner. The MySQL rules shared with every dialect (numbers,
 * introducers, list collapsing, naming) are covered in depth by packages/trace-mysql2/test/sql.test.ts.
 */
import { maskSql, maskSqlErrorMessage, statementName } from '../src';

const mysql = { dialect: 'mysql' } as const;
const postgres = { dialect: 'postgres' } as const;

describe('maskSql: what differs between dialects', () => {
  it.each([
    // [what, sql, mysql, postgres]
    ['a backslash escapes only in MySQL strings', String.raw`SELECT 'a\' , 'hunter2'`, 'SELECT ?hunter2?', 'SELECT ? , ?'],
    ['E strings take backslash escapes in Postgres', String.raw`SELECT E'a\'hunter2', 1`, String.raw`SELECT E?, ?`, 'SELECT ?, ?'],
    ['double quotes: a string in MySQL, an identifier in Postgres', 'SELECT "hunter2" FROM t', 'SELECT ? FROM t', 'SELECT "hunter2" FROM t'],
    ['backticks: identifiers in MySQL', 'SELECT `a b` FROM t', 'SELECT `a b` FROM t', 'SELECT `a b` FROM t'],
    ['# is a comment in MySQL, an operator in Postgres', "SELECT a # 'x'\nFROM t", "SELECT a # 'x'\nFROM t", "SELECT a # ?\nFROM t"],
    ['-- needs a space in MySQL only', "SELECT 1--'x'", 'SELECT ?--?', "SELECT ?--'x'"],
    ['/* */ nests in Postgres', "SELECT /* a /* b */ 'x' */ 1", "SELECT /* a /* b */ ? */ ?", "SELECT /* a /* b */ 'x' */ ?"],
    ['$1 parameters stay in Postgres', 'SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)', 'SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)', 'SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)'],
    ['1abc is a name in MySQL, a number and a name in Postgres', 'SELECT 1abc', 'SELECT 1abc', 'SELECT ?abc'],
  ])('%s', (_what, sql, masked, maskedPostgres) => {
    expect(maskSql(sql, mysql)).toBe(masked);
    expect(maskSql(sql, postgres)).toBe(maskedPostgres);
  });

  it.each([
    ['$$ strings', "SELECT $$it's 'hunter2'$$, 1", 'SELECT ?, ?'],
    ['$tag$ strings, holding $$ and other tags', 'SELECT $fn$ a $$ b $other$ hunter2 $fn$ FROM t', 'SELECT ? FROM t'],
    ['an unclosed dollar string is masked to the end', 'SELECT $x$ hunter2', 'SELECT ?'],
    ['standard strings: doubled quotes only', "SELECT 'it''s', 'c:\\dir\\' FROM t WHERE x = 'hunter2'", 'SELECT ?, ? FROM t WHERE x = ?'],
    ['bit, hex, escape and national introducers', "SELECT B'101', X'ff', E'\\x41', N'hunter2'", 'SELECT ?, ?, ?, ?'],
    ['casts and quoted identifiers stay', `SELECT '42'::int, "Weird ""name""" FROM "s"."t"`, `SELECT ?::int, "Weird ""name""" FROM "s"."t"`],
    ['identifiers with $ stay', 'SELECT a$b FROM t$1', 'SELECT a$b FROM t$1'],
    ['negative numbers and lists', 'SELECT * FROM t WHERE a = -1 AND b IN (1, 2, 3) LIMIT 10 OFFSET 5', 'SELECT * FROM t WHERE a = ? AND b IN (?) LIMIT ? OFFSET ?'],
    ['values tuples collapse', "INSERT INTO t VALUES (1, 'a'), (2, 'b') RETURNING id", 'INSERT INTO t VALUES (?, ?) RETURNING id'],
  ])('postgres: %s', (_what, sql, masked) => {
    expect(maskSql(sql, postgres)).toBe(masked);
    expect(maskSql(sql, postgres)).not.toContain('hunter2');
  });

  it('rejects an unknown dialect by name', () => {
    expect(() => maskSql('SELECT 1', { dialect: 'oracle' as never })).toThrow(/unknown SQL dialect "oracle" \(known: mysql, postgres\)/);
  });
});

describe('statementName per dialect', () => {
  it.each([
    ['SELECT * FROM "Shop"."Users" WHERE id = $1', 'SELECT Shop.Users'],
    ["SELECT $$FROM x$$ FROM t", 'SELECT t'],
    ["SELECT E'FROM \\' x' FROM t", 'SELECT t'],
    ['/* a /* nested */ FROM x */ DELETE FROM sessions', 'DELETE sessions'],
    ['CREATE UNLOGGED TABLE IF NOT EXISTS jobs (id int)', 'CREATE TABLE jobs'],
    ['INSERT INTO t (a) VALUES ($1) RETURNING id', 'INSERT t'],
  ])('postgres: %s → %s', (sql, name) => {
    expect(statementName(sql, postgres)).toBe(name);
  });

  it('mysql: backticks and # comments', () => {
    expect(statementName('# note\nSELECT a FROM `shop`.`orders`', mysql)).toBe('SELECT shop.orders');
  });
});

describe('maskSqlErrorMessage', () => {
  it('mysql: values masked, quoted names kept, the near fragment masked as SQL', () => {
    expect(maskSqlErrorMessage("Duplicate entry 'hunter2' for key 'email'", mysql)).toBe("Duplicate entry '?' for key 'email'");
    expect(maskSqlErrorMessage("... near 'pw = 'hunter2'' at line 1", mysql)).toBe("... near 'pw = ?' at line 1");
  });

  it.each([
    ['invalid input syntax for type integer: "hunter2"', 'invalid input syntax for type integer: "?"'],
    ['syntax error at or near "\'hunter2\'"', 'syntax error at or near "?"'],
    ['value "99999999999" is out of range for type integer', 'value "?" is out of range for type integer'],
    ['duplicate key value violates unique constraint "users_email_key"', 'duplicate key value violates unique constraint "users_email_key"'],
    ['relation "shop.users" does not exist', 'relation "shop.users" does not exist'],
    ['column "email" of relation "users" does not exist', 'column "email" of relation "users" does not exist'],
    ['new row for relation "t" violates check constraint "c"', 'new row for relation "t" violates check constraint "c"'],
    ["custom message from a function: 'hunter2'", "custom message from a function: '?'"],
  ])('postgres: %s', (message, masked) => {
    expect(maskSqlErrorMessage(message, postgres)).toBe(masked);
  });
});
