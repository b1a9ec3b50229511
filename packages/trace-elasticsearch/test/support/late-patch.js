'use strict';
/**
 * Clients 7, 8 and 9 loaded side by side in one process BEFORE patch(): patch() must find them in require.cache.
 * Env: ES_URL. Each client searches under a parent span `late:<fixture>`.
 */
const path = require('path');
const core = require('@spanwise/trace-core');

const fixtures = ['es7', 'es8', 'es9'];
const clients = fixtures.map((fixture) => {
  const { Client } = require(require.resolve('@elastic/elasticsearch', { paths: [path.resolve(__dirname, '../../../../fixtures', fixture)] }));
  return { fixture, client: new Client({ node: process.env.ES_URL }) };
});

require('@spanwise/trace-elasticsearch').patch();

async function main() {
  for (const { fixture, client } of clients) {
    const parent = core.getTracer().startSpan(`late:${fixture}`);
    const body = { query: { match_all: {} } };
    await core.withSpan(parent, () => client.search(fixture === 'es7' ? { index: 'books', body } : { index: 'books', ...body }));
    parent.finish();
    await client.close();
  }
}

main()
  .then(() => core.flush())
  .then(() => console.log('DONE'));
