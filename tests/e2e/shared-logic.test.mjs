// The browser-independent parts of web/shared: field checks and the API client's CSRF and
// error handling (with a stand-in fetch). No server or browser needed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, createApi } from '../../web/shared/api.js';
import {
  checkConfirm,
  checkIdNumber,
  checkName,
  checkNewPassword,
  checkPhone,
  checkSmsCode,
  idCheckChar,
} from '../../web/shared/validate.js';
import { corruptCheckChar, randomIdNumber } from './helpers.mjs';

test('ID numbers: GB 11643 check character, lowercase x, birth date', () => {
  assert.equal(idCheckChar('11010519491231002'), 'X');
  assert.equal(checkIdNumber('11010519491231002X'), '');
  assert.equal(checkIdNumber('11010519491231002x'), '');
  for (let i = 0; i < 50; i++) {
    const id = randomIdNumber();
    assert.equal(checkIdNumber(id), '', id);
    assert.match(checkIdNumber(corruptCheckChar(id)), /校验位/);
  }
  assert.match(checkIdNumber('350203199002300011'), /出生日期/);
  assert.match(checkIdNumber('3502031990'), /18位/);
  assert.match(checkIdNumber('350203900101001'), /15位/);
  assert.match(checkIdNumber(''), /请输入/);
});

test('names as the server accepts them', () => {
  for (const ok of ['张三', '欧阳娜娜', '阿卜杜拉·买买提', 'Anna Lee', '李 明']) assert.equal(checkName(ok), '', ok);
  for (const bad of ['张', '张3', 'a<b>', '王'.repeat(31)]) assert.match(checkName(bad), /2–30/, bad);
  assert.match(checkName('  '), /请输入/);
});

test('phone, SMS code and password checks', () => {
  assert.equal(checkPhone('13912345678'), '');
  assert.notEqual(checkPhone('1391234567'), '');
  assert.notEqual(checkPhone('23912345678'), '');
  assert.equal(checkSmsCode('012345'), '');
  assert.notEqual(checkSmsCode('12345'), '');
  assert.equal(checkNewPassword('abcdefg1'), '');
  assert.notEqual(checkNewPassword('abcdefgh'), '');
  assert.notEqual(checkNewPassword('12345678'), '');
  assert.notEqual(checkNewPassword('abc1'), '');
  assert.notEqual(checkNewPassword(`a1${'x'.repeat(63)}`), '');
  assert.equal(checkConfirm('abcdefg1', 'abcdefg1'), '');
  assert.match(checkConfirm('abcdefg2', 'abcdefg1'), /不一致/);
});

function fakeFetch(routes) {
  const calls = [];
  const fn = async (path, init) => {
    calls.push({ path, init });
    const [status, body] = routes[`${init.method} ${path}`] || [404, { error: { code: 'not_found', message: '不存在' } }];
    return new Response(body === null ? null : JSON.stringify(body), { status });
  };
  fn.calls = calls;
  return fn;
}

test('API client: CSRF token from the session and logins, errors as ApiError', async (t) => {
  const saved = globalThis.fetch;
  t.after(() => {
    globalThis.fetch = saved;
  });
  globalThis.fetch = fakeFetch({
    'GET /api/v1/session': [200, { authenticated: true, csrf_token: 'tok1', user: { name: '张三' } }],
    'POST /api/v1/auth/password-login': [200, { status: 'ok', user: {}, csrf_token: 'tok2' }],
    'POST /api/v1/account/password': [400, { error: { code: 'invalid_credentials', message: '原密码不正确', field: 'old_password' } }],
    'POST /api/v1/auth/logout': [204, null],
    'POST /api/v1/auth/sms-code': [429, { error: { code: 'rate_limited', message: '请60秒后再试', retry_after: 60 } }],
  });
  let unauthenticated = 0;
  const api = createApi({ sessionPath: '/api/v1/session', onUnauthenticated: () => unauthenticated++ });

  const s = await api.session();
  assert.equal(s.user.name, '张三');
  await api.post('/api/v1/auth/password-login', { username: 'u', password: 'p' });
  const loginCall = globalThis.fetch.calls.at(-1);
  assert.equal(loginCall.init.headers['X-CSRF-Token'], 'tok1');
  assert.equal(loginCall.init.credentials, 'same-origin');
  assert.equal(loginCall.init.headers['Content-Type'], 'application/json');

  await assert.rejects(api.post('/api/v1/account/password', {}), (err) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.status, 400);
    assert.equal(err.code, 'invalid_credentials');
    assert.equal(err.field, 'old_password');
    assert.equal(err.message, '原密码不正确');
    return true;
  });
  assert.equal(globalThis.fetch.calls.at(-1).init.headers['X-CSRF-Token'], 'tok2', 'the login answer renewed the token');

  await assert.rejects(api.post('/api/v1/auth/sms-code', {}), (err) => err.code === 'rate_limited' && err.retryAfter === 60);
  assert.equal(await api.post('/api/v1/auth/logout'), null);
  assert.equal(unauthenticated, 0);

  const gets = globalThis.fetch.calls.filter((c) => c.init.method === 'GET');
  assert.ok(gets.every((c) => !('X-CSRF-Token' in c.init.headers)), 'GETs carry no CSRF token');
});

test('API client: 401 calls the handler, a stale CSRF token is renewed once', async (t) => {
  const saved = globalThis.fetch;
  t.after(() => {
    globalThis.fetch = saved;
  });
  let csrfFailures = 0;
  const calls = [];
  globalThis.fetch = async (path, init) => {
    calls.push({ path, init });
    if (path === '/api/v1/session') return Response.json({ authenticated: true, csrf_token: `t${calls.length}`, user: {} });
    if (path === '/api/v1/account/phone') {
      if (csrfFailures++ === 0) return Response.json({ error: { code: 'csrf', message: '页面已过期' } }, { status: 403 });
      return Response.json({ user: { phone: '139****0000' } });
    }
    if (path === '/api/v1/account') return Response.json({ error: { code: 'unauthenticated', message: '请先登录' } }, { status: 401 });
    return new Response('<html>bad gateway</html>', { status: 502 });
  };
  let unauthenticated = 0;
  const api = createApi({ sessionPath: '/api/v1/session', onUnauthenticated: () => unauthenticated++ });
  await api.session();
  const res = await api.post('/api/v1/account/phone', {});
  assert.equal(res.user.phone, '139****0000');
  assert.equal(calls.filter((c) => c.path === '/api/v1/session').length, 2);
  assert.equal(calls.at(-1).init.headers['X-CSRF-Token'], 't3');

  await assert.rejects(api.get('/api/v1/account'), (err) => err.status === 401);
  assert.equal(unauthenticated, 1);

  await assert.rejects(api.get('/api/v1/other'), (err) => err.code === 'http_502' && /502/.test(err.message));
});
