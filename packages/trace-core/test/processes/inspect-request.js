'use strict';
// A server whose handler reports what the app can see of its own req/res: their util.inspect text, own symbols and
// the listeners of the response's end events.
// SERVER=http (plain http) or express (EXPRESS_DIR picks the major; the route sits under a mounted router).
const http = require('http');
const util = require('util');

function describe(req, res) {
  return JSON.stringify({
    inspect: util.inspect(req, { depth: 0 }),
    requestSymbols: Object.getOwnPropertySymbols(req).map(String),
    responseSymbols: Object.getOwnPropertySymbols(res).map(String),
    responseListeners: ['prefinish', 'finish', 'close'].map((event) => `${event}: ${res.listenerCount(event)}`),
  });
}

function plainServer() {
  return http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(describe(req, res));
  });
}

function expressServer() {
  const { loadExpress } = require('../../../../test-apps/express-service/app');
  const { express } = loadExpress(process.env.EXPRESS_DIR);
  const app = express();
  const api = express.Router();
  api.get('/users/:id', (req, res) => res.type('json').send(describe(req, res)));
  app.use('/api', api);
  return http.createServer(app);
}

const server = process.env.SERVER === 'express' ? expressServer() : plainServer();
server.listen(0, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
