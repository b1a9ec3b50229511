'use strict';
// Helpers shared by the test processes: load a library from its version fixture (so require hooks see the real
// package name), and print `LISTENING <port>` once a server listens.
const path = require('path');

const ROOT = path.resolve(__dirname, '../../../..');

function fromFixture(name, fixture) {
  const paths = fixture ? [path.join(ROOT, 'fixtures', fixture)] : [ROOT];
  return require(require.resolve(name, { paths }));
}

function listen(server, label = 'LISTENING') {
  server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => console.log(`${label} ${server.address().port}`));
  return server;
}

module.exports = { ROOT, fromFixture, listen };
