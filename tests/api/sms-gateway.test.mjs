// The HTTP SMS gateway provider, against a listener this test starts: what it posts, that a
// failed delivery is retried with backoff, and that each message is delivered once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startServer, freePort, sleep } from '../lib/server.mjs';
import { Client, randomPhone } from '../lib/client.mjs';

let srv, gateway, received = [], failNext = 0;

before(async () => {
  const port = await freePort();
  gateway = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const entry = { headers: req.headers, body: JSON.parse(body), at: Date.now() };
      if (failNext > 0) {
        failNext--;
        entry.refused = true;
        received.push(entry);
        res.writeHead(503).end('busy');
        return;
      }
      received.push(entry);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise((r) => gateway.listen(port, '127.0.0.1', r));
  srv = await startServer({
    env: {
      GONGHUI_SMS_PROVIDER: 'http',
      GONGHUI_SMS_GATEWAY_URL: `http://127.0.0.1:${port}/send`,
      GONGHUI_SMS_GATEWAY_TOKEN: 'gateway-secret-token',
      GONGHUI_SMS_SIGN: '厦门工会',
    },
  });
});

after(async () => {
  await srv.stop();
  gateway.close();
});

async function waitFor(pred, ms = 10000) {
  const until = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > until) throw new Error('timed out');
    await sleep(25);
  }
}

test('a login code is posted to the gateway with the bearer token', async () => {
  const phone = randomPhone();
  const r = await new Client(srv.url).post('/api/v1/auth/sms-code', { phone });
  assert.equal(r.status, 202);
  await waitFor(() => received.some((m) => m.body.to === phone));
  const m = received.find((x) => x.body.to === phone);
  assert.equal(m.headers.authorization, 'Bearer gateway-secret-token');
  assert.equal(m.headers['content-type'], 'application/json');
  assert.equal(m.body.sign, '厦门工会');
  assert.match(m.body.text, /验证码为\d{6}/);
  assert.equal(typeof m.body.id, 'number');
  // Nothing goes to the development file when the gateway is configured.
  assert.equal(srv.sms().length, 0);
  assert.ok(!srv.log().includes('gateway-secret-token'));
});

test('a refused delivery is retried with backoff and delivered once', async () => {
  failNext = 1;
  const phone = randomPhone();
  const r = await new Client(srv.url).post('/api/v1/auth/sms-code', { phone });
  assert.equal(r.status, 202);
  await waitFor(() => received.some((m) => m.body.to === phone && m.refused));
  await sleep(1500);
  assert.equal(received.filter((m) => m.body.to === phone && !m.refused).length, 0, 'backoff holds the retry');
  await srv.advance(10); // past the first backoff step (5 s)
  await waitFor(() => received.some((m) => m.body.to === phone && !m.refused));
  await sleep(2500); // a few more sender rounds: no repeat
  const delivered = received.filter((m) => m.body.to === phone && !m.refused);
  assert.equal(delivered.length, 1);
  const attempts = received.filter((m) => m.body.to === phone);
  assert.equal(new Set(attempts.map((m) => m.body.id)).size, 1, 'the retry carries the same id');
  assert.match(srv.log(), /not delivered: gateway answered HTTP 503/);
  assert.ok(!/\d{6}/.test(srv.log().split('\n').filter((l) => l.includes('not delivered')).join('\n').replace(/HTTP \d+/, '')), 'no code in the log');
});
