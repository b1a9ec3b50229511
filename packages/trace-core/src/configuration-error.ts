/** Thrown at startup for a bad setting; the message names it. */
export class ConfigurationError extends Error {
  constructor(setting: string, expected: string, got: unknown) {
    super(`Spanwise configuration: ${setting} must be ${expected}, got ${JSON.stringify(got)}`);
    this.name = 'ConfigurationError';
  }
}
