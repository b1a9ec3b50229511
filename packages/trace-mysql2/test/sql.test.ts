import { maskErrorMessage, maskSql, StatementCache, statementName, truncateStatement } from '../src/sql';

describe('maskSql', () => {
  it.each([
    ['numbers', 'SELECT * FROM users WHERE id = 42 AND score > 3.5', 'SELECT * FROM users WHERE id = ? AND score > ?'],
    ['single-quoted strings', "SELECT * FROM users WHERE name = 'bob'", 'SELECT * FROM users WHERE name = ?'],
    ['double-quoted strings', 'SELECT * FROM users WHERE name = "bob"', 'SELECT * FROM users WHERE name = ?'],
    ['doubled-quote escapes', "SELECT 'it''s' FROM t", 'SELECT ? FROM t'],
    ['backslash escapes', String.raw`SELECT 'a\'b', 'c\\' FROM t WHERE x = 1`, 'SELECT ?, ? FROM t WHERE x = ?'],
    ['backticked identifiers kept', 'SELECT `select`, `we``ird 1` FROM `my db`.`t 2`', 'SELECT `select`, `we``ird 1` FROM `my db`.`t 2`'],
    ['negative numbers after operators and keywords', 'SELECT -5 FROM t WHERE a = -1 OR b IN (-2) LIMIT -0', 'SELECT ? FROM t WHERE a = ? OR b IN (?) LIMIT ?'],
    ['binary minus stays', 'SELECT a-5, a - 5, (a)-5 FROM t', 'SELECT a-?, a - ?, (a)-? FROM t'],
    ['minus before a negative', 'SELECT a - -5.5e3 FROM t', 'SELECT a - ? FROM t'],
    ['decimals and exponents', 'SELECT .5, 1.25, 1e10, 2.5E-3, 3. FROM t', 'SELECT ?, ?, ?, ?, ? FROM t'],
    ['hex and bit literals', "SELECT 0x1F, 0XAb, X'ff', x'00', B'101', 0b101", 'SELECT ?, ?, ?, ?, ?, ?'],
    ['charset introducers and national strings', "SELECT _utf8mb4'hé', N'x', _binary'abc'", 'SELECT ?, ?, ?'],
    ['identifiers with digits untouched', 'SELECT t1.c2, 1abc, 2024_orders.x FROM t1', 'SELECT t1.c2, 1abc, 2024_orders.x FROM t1'],
    ['IN lists collapse', "SELECT * FROM t WHERE a IN (1,2, 3) AND b in ('x', 'y') AND c IN (?, ?)", 'SELECT * FROM t WHERE a IN (?) AND b in (?) AND c IN (?)'],
    ['repeated value tuples collapse', "INSERT INTO t (a, b) VALUES (1, 'a'), (2, 'b'),(3,'c')", 'INSERT INTO t (a, b) VALUES (?, ?)'],
    ['placeholders kept', 'UPDATE t SET a = ? WHERE id = :id', 'UPDATE t SET a = ? WHERE id = :id'],
    ['JSON strings', `SELECT * FROM t WHERE doc = '{"password": "hunter2", "n": 5}'`, 'SELECT * FROM t WHERE doc = ?'],
    ['NULL and booleans kept', 'SELECT NULL, TRUE, false FROM t', 'SELECT NULL, TRUE, false FROM t'],
    ['line comments kept, quotes inside them ignored', "SELECT 1 -- it's 'x'\nFROM t # don't\nWHERE a = 'b'", "SELECT ? -- it's 'x'\nFROM t # don't\nWHERE a = ?"],
    ['block comments kept', "SELECT /* 'x' 5 */ a FROM t WHERE b = 'c'", "SELECT /* 'x' 5 */ a FROM t WHERE b = ?"],
    ['-- without a space is two minuses', 'SELECT 1--2', 'SELECT ?-?'],
    ['unterminated string masked to the end', "SELECT 'abc", 'SELECT ?'],
    ['multi-line, whitespace kept', "SELECT\n  a\nFROM t\nWHERE b = 'x'", 'SELECT\n  a\nFROM t\nWHERE b = ?'],
  ])('%s', (_name, sql, expected) => {
    expect(maskSql(sql)).toBe(expected);
  });

  it('never lets a literal through (quotes and digits vanish from a literal-only statement)', () => {
    const masked = maskSql(`INSERT INTO t VALUES ('secret', "s3cr3t", 123456, -7, 0xDEADBEEF, X'CAFE', _latin1'pw', 'a''b\\'c')`);
    expect(masked).toBe('INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  });
});

describe('statementName', () => {
  it.each([
    ['SELECT * FROM users WHERE id = 1', 'SELECT users'],
    ['select a from `shop`.`orders` o join x', 'SELECT shop.orders'],
    ['SELECT 1', 'SELECT'],
    ['SELECT SLEEP(0.05)', 'SELECT'],
    ['select extract(year from d) from orders', 'SELECT orders'],
    ['SELECT * FROM (SELECT 1) x', 'SELECT'],
    ['(SELECT a FROM b) UNION (SELECT a FROM c)', 'SELECT b'],
    ['/* hint */ SELECT a FROM t', 'SELECT t'],
    ["SELECT 'FROM x' FROM t", 'SELECT t'],
    ['INSERT INTO users (a) VALUES (1)', 'INSERT users'],
    ['insert ignore into db.t set a = 1', 'INSERT db.t'],
    ['REPLACE INTO t VALUES (1)', 'REPLACE t'],
    ['UPDATE LOW_PRIORITY users SET a = 1', 'UPDATE users'],
    ['DELETE FROM sessions WHERE id = 3', 'DELETE sessions'],
    ['CREATE TABLE IF NOT EXISTS users (id INT)', 'CREATE TABLE users'],
    ['create temporary table tmp_x (id int)', 'CREATE TABLE tmp_x'],
    ['DROP TABLE IF EXISTS `users`', 'DROP TABLE users'],
    ['CREATE INDEX idx ON t (a)', 'CREATE INDEX'],
    ['TRUNCATE TABLE logs', 'TRUNCATE logs'],
    ['CALL refresh_stats(1)', 'CALL refresh_stats'],
    ['begin', 'BEGIN'],
    ['SET autocommit = 0', 'SET'],
    ['', 'SQL'],
    ["'just a string'", 'SQL'],
  ])('%s → %s', (sql, expected) => {
    expect(statementName(sql)).toBe(expected);
  });
});

describe('truncateStatement', () => {
  it('keeps short text and cuts long text to the limit, marked', () => {
    expect(truncateStatement('SELECT 1', 2048)).toBe('SELECT 1');
    const cut = truncateStatement('x'.repeat(5000), 2048);
    expect(cut).toHaveLength(2048);
    expect(cut.endsWith('...')).toBe(true);
  });
});

describe('maskErrorMessage', () => {
  it('masks duplicate values, syntax-error fragments and incorrect values; keeps names', () => {
    expect(maskErrorMessage("Duplicate entry 'alice@example.com' for key 'email'")).toBe("Duplicate entry '?' for key 'email'");
    expect(maskErrorMessage("You have an error in your SQL syntax; check the manual for the right syntax to use near 'FROM users WHERE pw = ''secret''' at line 1")).toBe(
      "You have an error in your SQL syntax; check the manual for the right syntax to use near 'FROM users WHERE pw = ?' at line 1",
    );
    expect(maskErrorMessage("Incorrect integer value: 'abc' for column `db`.`t`.`n` at row 1")).toBe("Incorrect integer value: '?' for column `db`.`t`.`n` at row 1");
    expect(maskErrorMessage("Table 'db.nope' doesn't exist")).toBe("Table 'db.nope' doesn't exist");
  });

  it('masks values quoted raw, with unescaped inner quotes (as MariaDB and MySQL print them)', () => {
    const cases: Array<[string, string]> = [
      ["Duplicate entry ''hunter2' for key 'email'", "Duplicate entry '?' for key 'email'"],
      ["Duplicate entry 'a' for key 'b' for key 'users.email'", "Duplicate entry '?' for key 'users.email'"],
      ["You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near 'pw = 'hunter2'' at line 1", "You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near 'pw = ?' at line 1"],
      ["... near ''hunter2 unterminated' at line 3", "... near '?' at line 3"],
      ["... near '/*!50000 'hunter2' */ FROM t' at line 1", "... near '/*!50000 ? */ FROM t' at line 1"],
      ["Incorrect integer value: 'hunter2' x' for column 'age' at row 1", "Incorrect integer value: '?' for column 'age' at row 1"],
      ["Truncated incorrect DOUBLE value: 'hunter2'", "Truncated incorrect DOUBLE value: '?'"],
      ["Truncated incorrect DOUBLE value: 'a' b 'hunter2'", "Truncated incorrect DOUBLE value: '?'"],
      ["Variable 'sql_mode' can't be set to the value of 'hunter2'", "Variable 'sql_mode' can't be set to the value of '?'"],
      ["BIGINT value is out of range in '`db`.`t`.`n` + 'hunter2''", "BIGINT value is out of range in '?'"],
      ["Incorrect string value: '\\xF0\\x9F' for column `db`.`t`.`c` at row 1", "Incorrect string value: '?' for column `db`.`t`.`c` at row 1"],
      ["Unknown column 'nope' in 'field list'", "Unknown column 'nope' in 'field list'"],
      ["Access denied for user 'app'@'localhost' (using password: YES)", "Access denied for user 'app'@'localhost' (using password: YES)"],
      ["Column 'email' cannot be null", "Column 'email' cannot be null"],
      ["Some future message with 'hunter2' in it", "Some future message with '?' in it"],
    ];
    for (const [message, masked] of cases) expect(maskErrorMessage(message)).toBe(masked);
  });
});

describe('maskSql with executable comments and optimizer hints', () => {
  it.each([
    ["SELECT /*!50000 SQL_NO_CACHE 'hunter2' */ a FROM t", 'SELECT /*!50000 SQL_NO_CACHE ? */ a FROM t'],
    ["SELECT /*! 'hunter2' */ 1", 'SELECT /*! ? */ ?'],
    ["SELECT /*M!100100 'hunter2', 42 */ a", 'SELECT /*M!100100 ?, ? */ a'],
    ["SELECT /*+ MAX_EXECUTION_TIME(1000) SET_VAR(sql_mode='hunter2') */ a FROM t", 'SELECT /*+ MAX_EXECUTION_TIME(?) SET_VAR(sql_mode=?) */ a FROM t'],
    ["INSERT /*!40000 IGNORE */ INTO t VALUES (/*!'hunter2'*/)", 'INSERT /*!40000 IGNORE */ INTO t VALUES (/*!?*/)'],
    // a string holding `*/` does not end the comment early
    ["SELECT /*!50000 'a*/ hunter2' */ 1", 'SELECT /*!50000 ? */ ?'],
  ])('%s', (sql, masked) => {
    expect(maskSql(sql)).toBe(masked);
    expect(maskSql(sql)).not.toContain('hunter2');
  });
});

describe('StatementCache', () => {
  it('computes once per key and stays bounded', () => {
    const cache = new StatementCache<number>(2);
    let calls = 0;
    const compute = (key: string) => (calls++, key.length);
    expect(cache.get('ab', compute)).toBe(2);
    expect(cache.get('ab', compute)).toBe(2);
    expect(calls).toBe(1);
    cache.get('c', compute);
    cache.get('d', compute); // full: starts over
    cache.get('ab', compute);
    expect(calls).toBe(4);
  });
});
