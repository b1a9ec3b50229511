'use strict';
// `node -r @spanwise/trace-auto/register app.js`, or `require('@spanwise/trace-auto/register')` on the app's first line.
require('./dist/register').registerFromEnvironment({ esm: false });
