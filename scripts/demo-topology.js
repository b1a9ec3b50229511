/** Which test-apps the demo starts (downstream first) and which requests it sends. */
const path = require('path');
const ROOT = path.resolve(__dirname, '..');

function demoServices() {
  return [
    { name: 'users-service', app: 'test-apps/express-service/index.js', env: { EXPRESS_DIR: path.join(ROOT, 'fixtures/express5') }, description: 'Express 5' },
    { name: 'gateway', app: 'test-apps/express-service/index.js', env: { EXPRESS_DIR: path.join(ROOT, 'fixtures/express4') }, downstream: 'users-service', description: 'Express 4, calls users-service' },
  ];
}

function demoRequests(s) {
  return [
    { url: `${s.gateway.url}/fanout`, note: 'gateway awaits a timer, then calls users-service over HTTP' },
    { url: `${s.gateway.url}/api/orgs/7/users/42`, note: 'nested routers: one span named by the full route pattern' },
    { url: `${s['users-service'].url}/users/42?token=secret`, note: 'the token value is redacted in http.url' },
    { url: `${s.gateway.url}/error`, note: 'a thrown error: error=true and an error log' },
  ];
}

module.exports = { demoServices, demoRequests };
