import { ConfigurationError, resetForTests } from '@spanwise/trace-core';

/**
 * The checks every public entry point (`traceMiddleware()`, `patch()`) makes when it is called: an unknown option key
 * is a ConfigurationError with a "did you mean", and a bad `JAEGER_*` variable fails there, naming the variable, as
 * the register does (not at the first request).
 */
export function describeEntryPointChecks(name: string, call: (options?: object) => unknown, cases: { valid: object; misspelt: object; suggestion: string }, cleanup: () => void = () => undefined): void {
  describe(`${name}: options and configuration are checked when it is called`, () => {
    const saved = process.env.JAEGER_AGENT_PORT;
    afterEach(() => {
      if (saved === undefined) delete process.env.JAEGER_AGENT_PORT;
      else process.env.JAEGER_AGENT_PORT = saved;
      resetForTests();
      cleanup();
    });

    it('accepts every documented option', () => {
      expect(() => call(cases.valid)).not.toThrow();
    });

    it('rejects an unknown option key, suggesting the option meant', () => {
      const [key] = Object.keys(cases.misspelt);
      expect(() => call(cases.misspelt)).toThrow(ConfigurationError);
      expect(() => call(cases.misspelt)).toThrow(`${name} option "${key}" must be one of `);
      expect(() => call(cases.misspelt)).toThrow(`(did you mean "${cases.suggestion}"?), got "${key}"`);
    });

    it('rejects options that are not an object', () => {
      expect(() => call('ignore' as never)).toThrow(`${name} options must be an object, got "ignore"`);
    });

    it('fails on a bad JAEGER_AGENT_PORT, naming the variable', () => {
      resetForTests();
      process.env.JAEGER_AGENT_PORT = 'abc';
      expect(() => call()).toThrow(new ConfigurationError('JAEGER_AGENT_PORT', 'a number', 'abc'));
    });
  });
}
