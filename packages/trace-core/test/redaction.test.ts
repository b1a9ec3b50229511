import { Redactor } from '../src/redaction';

describe('Redactor', () => {
  const redactor = new Redactor();

  it('replaces URL userinfo', () => {
    expect(redactor.url('http://user:pass@host:8080/path')).toBe('http://REDACTED@host:8080/path');
    expect(redactor.url('https://token@host/p?x=1')).toBe('https://REDACTED@host/p?x=1');
  });

  it('keeps secret-looking query names and replaces their values', () => {
    expect(redactor.url('/login?user=bob&password=hunter2&page=2')).toBe('/login?user=bob&password=REDACTED&page=2');
    const names = ['passwd', 'pwd', 'client_secret', 'token', 'access_token', 'api_key', 'apikey', 'key', 'auth', 'signature', 'sig', 'session', 'sessionid', 'credential', 'jwt', 'X-Amz-Signature'];
    for (const name of names) expect(redactor.url(`/p?${name}=s3cret`)).toBe(`/p?${name}=REDACTED`);
  });

  it('leaves ordinary parameters alone, including names merely containing "key" or "sig"', () => {
    const url = '/search?q=monkey&keyboard=1&design=2&page=3';
    expect(redactor.url(url)).toBe(url);
  });

  it('drops fragments and handles URLs without query', () => {
    expect(redactor.url('http://h/p#frag')).toBe('http://h/p');
    expect(redactor.url('/plain')).toBe('/plain');
  });

  it('reads percent-encoded parameter names', () => {
    expect(redactor.url('/p?access%5Ftoken=abc')).toBe('/p?access%5Ftoken=REDACTED');
  });

  it('never records credential headers', () => {
    for (const header of ['Authorization', 'cookie', 'Set-Cookie', 'Proxy-Authorization']) expect(redactor.isSensitiveHeader(header)).toBe(true);
    expect(redactor.isSensitiveHeader('x-request-id')).toBe(false);
  });

  it('is configurable', () => {
    const custom = new Redactor({ headers: ['X-Api-Key'], queryParams: ['code', /^otp/i], replacement: '***' });
    expect(custom.isSensitiveHeader('x-api-key')).toBe(true);
    expect(custom.url('/cb?code=1&otpValue=2&password=3')).toBe('/cb?code=***&otpValue=***&password=3');
  });

  it('redacts connection strings', () => {
    expect(redactor.connectionString('mysql://root:secret@db:3306/app')).toBe('mysql://REDACTED@db:3306/app');
    expect(redactor.connectionString('Server=db;User Id=sa;Password=secret;')).toBe('Server=db;User Id=sa;Password=REDACTED;');
  });
});
