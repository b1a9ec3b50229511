import { Redactor, maskQuotedValues, withMaskedMessage } from '../src/redaction';
import { callUserHook } from '../src/hooks';
import { setLogger, setLogLevel } from '../src/logger';

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

describe('header policy for headersAsTags', () => {
  it('drops credential headers, redacts secret-looking names, records the rest', () => {
    const redactor = new Redactor();
    for (const name of ['Authorization', 'cookie', 'Set-Cookie', 'proxy-authorization']) expect(redactor.headerPolicy(name)).toBe('drop');
    for (const name of ['x-api-key', 'X-Api-Key', 'apikey', 'x-auth-token', 'x-session-id', 'x-csrf-token', 'x-client-secret', 'x-amz-security-token', 'x-signing-key', 'x-sid', 'x-forwarded-cookie']) {
      expect([name, redactor.headerPolicy(name)]).toEqual([name, 'redact']);
    }
    for (const name of ['x-tenant', 'x-request-id', 'user-agent', 'x-keyboard-layout', 'accept']) expect([name, redactor.headerPolicy(name)]).toEqual([name, 'record']);
  });

  it('records a secret-looking header only when opted in by name; never a credential header', () => {
    const redactor = new Redactor({ recordSecretHeaders: ['X-Api-Key', 'authorization'], headers: ['x-internal'] });
    expect(redactor.headerPolicy('x-api-key')).toBe('record');
    expect(redactor.headerPolicy('x-auth-token')).toBe('redact');
    expect(redactor.headerPolicy('authorization')).toBe('drop');
    expect(redactor.headerPolicy('X-Internal')).toBe('drop');
  });
});

describe('maskQuotedValues and errorWithMessage', () => {
  it('masks from the first opening quote to the last quote between kept spans', () => {
    expect(maskQuotedValues("bad value 'a' b'c' here")).toBe("bad value '?' here");
    expect(maskQuotedValues("it doesn't quote")).toBe("it doesn't quote");
    expect(maskQuotedValues("open 'unterminated")).toBe("open '?");
    expect(maskQuotedValues("key 'k' with 'v' then name 'n'", /(?<=name )'n'/g)).toBe("key '?' then name 'n'");
  });

  it('copies an error for the span: masked message, rebuilt stack header, frames kept, nothing else copied', () => {
    const error = Object.assign(new TypeError("bad 'hunter2'"), { sqlMessage: "bad 'hunter2'", code: 'X' });
    const copy = withMaskedMessage(error, (m) => maskQuotedValues(m)) as Error & { sqlMessage?: string };
    expect(copy).not.toBe(error);
    expect(copy).toBeInstanceOf(TypeError);
    expect(String(copy)).toBe("TypeError: bad '?'");
    expect(copy.stack!.split('\n')[0]).toBe("TypeError: bad '?'");
    expect(copy.stack!.split('\n')[1]).toBe(error.stack!.split('\n')[1]);
    expect(copy.sqlMessage).toBeUndefined();
    expect(error.message).toBe("bad 'hunter2'");
    const plain = new Error('nothing quoted');
    expect(withMaskedMessage(plain, (m) => maskQuotedValues(m))).toBe(plain);
    // A stack whose header differs from the message (set later) is rebuilt too.
    const late = new Error();
    late.message = "late 'hunter2'";
    expect(JSON.stringify((withMaskedMessage(late, (m) => maskQuotedValues(m)) as Error).stack)).not.toContain('hunter2');
  });
});

describe('callUserHook', () => {
  it('returns the hook result, or undefined after a throw logged once per owner and option', () => {
    const warnings: string[] = [];
    setLogger({ debug: () => undefined, info: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) });
    setLogLevel('warn');
    try {
      expect(callUserHook('@spanwise/trace-x', 'statement', (a: number, b: number) => a + b, 1, 2)).toBe(3);
      const throwing = () => {
        throw new Error('boom');
      };
      expect(callUserHook('@spanwise/trace-x', 'requestHook', throwing)).toBeUndefined();
      expect(callUserHook('@spanwise/trace-x', 'requestHook', throwing)).toBeUndefined();
      expect(callUserHook('@spanwise/trace-y', 'requestHook', throwing)).toBeUndefined();
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatch(/^spanwise: option requestHook of @spanwise\/trace-x threw .*boom/s);
      expect(warnings[1]).toMatch(/^spanwise: option requestHook of @spanwise\/trace-y threw/);
    } finally {
      setLogger(undefined);
    }
  });
});
