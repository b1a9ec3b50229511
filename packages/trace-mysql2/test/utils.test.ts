import { connectionTags, recordedStatement, resolveOptions } from '../src/utils';

describe('resolveOptions', () => {
  it('defaults: masked statements cut at 2048, no comments, no pool wait spans', () => {
    expect(resolveOptions()).toEqual({ statement: 'masked', maxStatementLength: 2048, sqlCommenter: false, sqlCommenterOnExecute: false, poolWaitSpans: false });
    expect(resolveOptions({ statement: 'bogus' as never, maxStatementLength: -1 })).toMatchObject({ statement: 'masked', maxStatementLength: 2048 });
    expect(resolveOptions({ sqlCommenterOnExecute: true }).sqlCommenterOnExecute).toBe(false); // needs sqlCommenter
  });
});

describe('recordedStatement', () => {
  const sql = "SELECT * FROM users WHERE email = 'a@b.c' AND id IN (1, 2)";

  it('masks by default', () => {
    expect(recordedStatement(sql, resolveOptions())).toBe('SELECT * FROM users WHERE email = ? AND id IN (?)');
  });

  it('raw and custom, each truncated', () => {
    expect(recordedStatement(sql, resolveOptions({ statement: 'raw' }))).toBe(sql);
    expect(recordedStatement(sql, resolveOptions({ statement: 'raw', maxStatementLength: 12 }))).toBe('SELECT * ...');
    expect(recordedStatement(sql, resolveOptions({ statement: (s) => s.slice(0, 6) }))).toBe('SELECT');
    expect(recordedStatement(sql, resolveOptions({ statement: () => undefined }))).toBeUndefined();
  });

  it('a throwing custom function omits the tag instead of breaking the query', () => {
    const statement = () => {
      throw new Error('app bug');
    };
    expect(recordedStatement(sql, resolveOptions({ statement }))).toBeUndefined();
  });
});

describe('connectionTags', () => {
  it('host and port (mysql defaults), database, user', () => {
    expect(connectionTags({ host: 'db', port: 3307, user: 'app', database: 'shop' })).toEqual({
      component: 'mysql2',
      'db.type': 'sql',
      'db.instance': 'shop',
      'db.user': 'app',
      'peer.hostname': 'db',
      'peer.port': 3307,
      'peer.address': 'db:3307',
    });
    expect(connectionTags({})).toMatchObject({ 'peer.hostname': 'localhost', 'peer.port': 3306 });
  });

  it('unix socket: the path as peer.address', () => {
    const tags = connectionTags({ socketPath: '/run/mysqld/mysqld.sock', user: 'app' });
    expect(tags['peer.address']).toBe('/run/mysqld/mysqld.sock');
    expect(tags['peer.hostname']).toBeUndefined();
  });
});
