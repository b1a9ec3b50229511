// `node --import @spanwise/trace-auto/register app.mjs`: require hooks plus the ESM loader hook (Node >= 20.6).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
require('./dist/register.js').registerFromEnvironment({ esm: true });
