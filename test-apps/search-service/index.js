'use strict';
/**
 * search-service: `GET /search?q=...` runs one Elasticsearch search and returns the matching titles.
 * Env: PORT (0 = any free port), ES_URL (a cluster; when absent a local stand-in server is started and logged),
 * ES_INDEX (default `books`), ES_CLIENT (client major from fixtures/: es7, es8, es9; default es9),
 * SERVICE_NAME / JAEGER_* (tracing). Prints `LISTENING <port>` when ready.
 */
const http = require('http');
const path = require('path');
const core = require('@spanwise/trace-core');
require('@spanwise/trace-elasticsearch').patch();

const fixture = process.env.ES_CLIENT || 'es9';
const { Client } = require(require.resolve('@elastic/elasticsearch', { paths: [path.resolve(__dirname, '../../fixtures', fixture)] }));
const legacyClient = fixture === 'es7';
const index = process.env.ES_INDEX || 'books';
if (!process.env.JAEGER_SERVICE_NAME && process.env.SERVICE_NAME) core.init({ serviceName: process.env.SERVICE_NAME });

async function searchTitles(client, q) {
  const query = { match: { title: q } };
  const response = legacyClient ? (await client.search({ index, body: { query } })).body : await client.search({ index, query });
  return response.hits.hits.map((hit) => hit._source && hit._source.title);
}

function respond(res, status, body) {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

function handler(client) {
  return (req, res) => {
    const record = core.startServerSpan(req, res, 'http');
    core.withSpan(record && record.span, () => {
      const url = new URL(req.url, 'http://search-service');
      if (req.method !== 'GET' || url.pathname !== '/search') return respond(res, 404, { error: 'not found' });
      core.setRoute(req, '/search');
      searchTitles(client, url.searchParams.get('q') || '').then(
        (titles) => respond(res, 200, { titles }),
        (error) => {
          core.recordRequestError(req, error);
          respond(res, 502, { error: error.message });
        },
      );
    });
  };
}

async function main() {
  let esUrl = process.env.ES_URL;
  if (!esUrl) {
    const { startStandIn } = require('../../test-support/elasticsearch-stand-in.js');
    esUrl = (await startStandIn()).url;
    console.log(`ES_URL not set: started a local Elasticsearch stand-in at ${esUrl}`);
  }
  const client = new Client({ node: esUrl });
  const server = http.createServer(handler(client));
  server.listen(Number(process.env.PORT || 0), () => console.log(`LISTENING ${server.address().port}`));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
