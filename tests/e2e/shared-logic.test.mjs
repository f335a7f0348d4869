// The browser-independent parts of web/shared: field checks, the API client's CSRF and error
// handling (with a stand-in fetch), and the join form's rules. No server or browser needed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError, createApi, query } from '../../web/shared/api.js';
import {
  AFFAIR_TABS,
  applyJoinError,
  checkJoinForm,
  emptyJoinErrors,
  emptyJoinForm,
  joinData,
  joinFormFrom,
  newRequestId,
  rowActions,
  statusLabel,
} from '../../web/shared/applications.js';
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

test('join form: 暂存 checks formats only, 提交 everything; the data sent leaves empty fields out', () => {
  const form = emptyJoinForm();
  const errors = emptyJoinErrors();
  assert.equal(checkJoinForm(form, errors, { submit: false }), true, 'an empty draft may be saved');
  assert.equal(checkJoinForm(form, errors, { submit: true }), false);
  assert.match(errors.residence, /现居住地/);
  assert.match(errors.employment, /工作单位/);
  assert.match(errors.work_district, /区/);
  assert.equal(errors.unit_id, '', 'the unit is asked only with 有工作单位');

  Object.assign(form, { residence: ' 厦门市思明区 ', employment: 'unit', work_district: '350203', work_street: '350203001' });
  assert.equal(checkJoinForm(form, errors, { submit: true }), false);
  assert.match(errors.unit_id, /选择工作单位/);
  form.unit_id = 7;
  assert.equal(checkJoinForm(form, errors, { submit: true }), true);
  assert.deepEqual(joinData(form), {
    residence: '厦门市思明区', employment: 'unit', unit_id: 7, work_district: '350203', work_street: '350203001',
  });
  form.employment = 'none';
  assert.equal('unit_id' in joinData(form), false, 'no unit without 有工作单位');

  form.residence = '路'.repeat(101);
  assert.equal(checkJoinForm(form, errors, { submit: false }), false);
  assert.match(errors.residence, /100/);
  assert.deepEqual(joinFormFrom({ residence: '厦门', unit_id: '3', ethnicity: null }), { ...emptyJoinForm(), residence: '厦门', unit_id: 3 });
});

test('join form: server errors land on their fields (422 incomplete, 400 data.field)', () => {
  const errors = emptyJoinErrors();
  const incomplete = new ApiError(422, { code: 'incomplete', message: '请填写：现居住地、工作单位', fields: ['residence', 'unit_id'] });
  assert.deepEqual(incomplete.fields, ['residence', 'unit_id']);
  assert.equal(applyJoinError(errors, incomplete), true);
  assert.match(errors.residence, /现居住地/);
  assert.match(errors.unit_id, /工作单位/);
  const bad = new ApiError(400, { code: 'invalid_field', message: '请选择所选区下的镇街', field: 'data.work_street' });
  assert.equal(applyJoinError(errors, bad), true);
  assert.equal(errors.work_street, '请选择所选区下的镇街');
  assert.equal(applyJoinError(errors, new ApiError(409, { code: 'conflict', message: '已修改' })), false);
});

test('我的办事: labels per site, actions from the server, request ids', () => {
  assert.equal(statusLabel('rejected'), '审核不通过');
  assert.equal(statusLabel('rejected', { h5: true }), '不通过');
  assert.deepEqual(AFFAIR_TABS.map((t) => t.pc), ['我的待办', '办理中', '已完成', '审核不通过', '全部']);
  assert.deepEqual(AFFAIR_TABS.map((t) => t.h5), ['待办', '办理中', '已完成', '不通过', '全部']);
  assert.deepEqual(rowActions({ status: 'draft', actions: ['edit', 'submit', 'delete'] }).map((a) => a.label), ['继续填写', '删除']);
  assert.deepEqual(rowActions({ status: 'returned', actions: ['edit', 'submit'] }).map((a) => a.label), ['修改']);
  assert.deepEqual(rowActions({ status: 'submitted', actions: ['withdraw'] }).map((a) => a.label), ['撤回']);
  assert.deepEqual(rowActions({ status: 'processing', actions: [] }), [], '撤回 only when the server lists it');
  const ids = new Set(Array.from({ length: 20 }, newRequestId));
  assert.equal(ids.size, 20);
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(query({ q: '建设', page: 1, status: '', from: null }), `?q=${encodeURIComponent('建设')}&page=1`);
});
