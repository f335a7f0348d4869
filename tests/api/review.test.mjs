// The review console (SPEC §6): the queue of one's own union (admins: their subtree, read-only),
// the detail, the logged "show full number", decisions with their reasons, two reviewers at once,
// take-over, the SMS that decisions send, filters and pages, and hostile input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, sleep } from '../lib/server.mjs';
import { Client, staffClient } from '../lib/client.mjs';
import { addStaff, dbQuery, expectError, freshId, freshPhone, maskId, maskPhone, register } from './helpers.mjs';

let srv;
let unitA; // 中国建设银行股份有限公司厦门分行: its union is "union A"
let unitB; // a unit with a union in another district: "union B"
let unitC; // a third unit with a union, for the filter test
const st = {}; // staff clients

// Every worker comes from its own client address (through a trusted proxy), so the
// per-address SMS caps of registration never bite however many workers a test makes.
let addr = 0;
async function worker(name = '林申请') {
  addr++;
  const client = new Client(srv.url);
  client.headers['X-Forwarded-For'] = `10.40.${addr >> 8}.${addr & 255}`;
  return register(srv, { client, idNumber: freshId(), name });
}

async function staff(role, org, name) {
  const phone = freshPhone('15');
  const r = addStaff(srv, { role, phone, name, org });
  assert.equal(r.status, 0, 'user add: ' + r.stderr);
  const { client: c, response: l } = await staffClient(srv, { phone, password: 'Passw0rdXyz1' });
  assert.equal(l.status, 200, l.text);
  c.staff = l.body.staff;
  return c;
}

function dataFor(u) {
  return { residence: '厦门市集美区集美大道1号', employment: 'unit', unit_id: u.id, work_district: u.district.code, work_street: u.street.code };
}

// A worker's submitted join application to unit u's union.
async function apply(u = unitA, name) {
  const w = await worker(name);
  const c = await w.client.post('/api/v1/join/consent', { version: '2026-11' });
  assert.equal(c.status, 201, c.text);
  const r = await w.client.post('/api/v1/applications', { kind: 'join', consent_id: c.body.consent_id, request_id: randomUUID(), data: dataFor(u), submit: true });
  assert.equal(r.status, 201, r.text);
  return { ...w, app: r.body.application };
}

const detail = (c, id) => c.get(`/api/v1/admin/applications/${id}`);
const act = (c, id, action, body) => c.post(`/api/v1/admin/applications/${id}/${action}`, body);
async function version(id) {
  const r = await detail(st.a1, id);
  assert.equal(r.status, 200, r.text);
  return r.body.application.version;
}
const smsTo = (phone) => srv.sms().filter((m) => m.to === phone);

// Waits until the outbox has sent n messages to phone (the registration code is the first).
async function waitSmsCount(phone, n, ms = 10000) {
  const until = Date.now() + ms;
  while (smsTo(phone).length < n) {
    if (Date.now() > until) throw new Error(`expected ${n} SMS to ${phone}, got ${smsTo(phone).length}`);
    await sleep(25);
  }
  return smsTo(phone);
}

before(async () => {
  srv = await startServer({ env: { GONGHUI_TRUSTED_PROXIES: '127.0.0.1/32' } });
  const w = await worker();
  let r = await w.client.get('/api/v1/units?q=' + encodeURIComponent('中国建设银行股份有限公司厦门分行'));
  unitA = r.body.items.find((u) => u.name === '中国建设银行股份有限公司厦门分行');
  assert.ok(unitA?.union?.code);
  r = await w.client.get('/api/v1/units?q=' + encodeURIComponent('厦门') + '&page_size=50');
  const withUnion = r.body.items.filter((u) => u.has_union && u.id !== unitA.id);
  unitB = withUnion.find((u) => u.district.code !== unitA.district.code);
  unitC = withUnion.find((u) => u !== unitB);
  assert.ok(unitB && unitC, 'the demo data has more units with unions');
  const otherDistrict = unitB.district.code;
  const made = await Promise.all([
    staff('reviewer', unitA.union.code, '甲审核'),
    staff('reviewer', unitA.union.code, '乙审核'),
    staff('reviewer', unitB.union.code, '丙审核'),
    staff('reviewer', unitA.street.code, '丁审核'), // the street union above union A
    staff('reviewer', unitC.union.code, '戊审核'),
    staff('org_admin', unitA.district.code, '区管理'),
    staff('org_admin', unitA.street.code, '街管理'),
    staff('org_admin', otherDistrict, '他区管理'),
    staff('platform_admin', '350200', '平台管理'),
  ]);
  [st.a1, st.a2, st.b, st.streetReviewer, st.c, st.districtAdmin, st.streetAdmin, st.otherAdmin, st.platform] = made;
});
after(async () => { await srv?.stop(); });

test('a reviewer\'s queue: its own union\'s applications only, never drafts; masked applicant', async () => {
  const a = await apply(unitA, '何甲方');
  const b = await apply(unitB, '何乙方');
  const drafter = await worker('何草稿');
  const c = await drafter.client.post('/api/v1/join/consent', { version: '2026-11' });
  const d = await drafter.client.post('/api/v1/applications', { kind: 'join', consent_id: c.body.consent_id, request_id: randomUUID(), data: dataFor(unitA), submit: false });
  assert.equal(d.status, 201);

  let r = await st.a1.get('/api/v1/admin/applications?page_size=100');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.can_decide, true);
  const ids = r.body.items.map((x) => x.id);
  assert.ok(ids.includes(a.app.id));
  assert.ok(!ids.includes(b.app.id), 'not another union\'s');
  assert.ok(!ids.includes(d.body.application.id), 'never a draft');
  const item = r.body.items.find((x) => x.id === a.app.id);
  assert.equal(item.ref, a.app.ref);
  assert.equal(item.kind_label, '网上入会申请');
  assert.equal(item.status, 'submitted');
  assert.equal(item.status_label, '已递交');
  assert.deepEqual(item.applicant, { name: '何甲方', phone: maskPhone(a.phone) });
  assert.equal(item.org.name, unitA.union.name);
  assert.match(item.submitted_at, /^\d{4}-\d\d-\d\dT/);
  assert.equal(item.handler, null);
  assert.ok(!r.text.includes(a.phone) && !r.text.includes(a.idNumber), 'nothing unmasked');
  for (const x of r.body.items) assert.equal(x.org.name, unitA.union.name);

  r = await st.b.get('/api/v1/admin/applications?page_size=100');
  assert.deepEqual(r.body.items.map((x) => x.id).filter((id) => id === a.app.id), []);
  assert.ok(r.body.items.some((x) => x.id === b.app.id));
  // A reviewer of the street union above sees its own union's queue, not union A's.
  r = await st.streetReviewer.get('/api/v1/admin/applications?page_size=100');
  assert.equal(r.status, 200);
  assert.ok(!r.body.items.some((x) => x.id === a.app.id));
});

test('the owning union\'s detail: masked applicant with age, earlier memberships, timeline, actions', async () => {
  const a = await apply(unitA, '许详情');
  const r = await detail(st.a1, a.app.id);
  assert.equal(r.status, 200, r.text);
  const x = r.body.application;
  assert.equal(x.ref, a.app.ref);
  assert.equal(x.status, 'submitted');
  assert.equal(x.can_decide, true);
  assert.deepEqual(x.actions, ['accept', 'approve', 'reject', 'return']);
  assert.equal(x.applicant.name, '许详情');
  assert.equal(x.applicant.phone, maskPhone(a.phone));
  assert.equal(x.applicant.id_number, maskId(a.idNumber));
  const birth = `${a.idNumber.slice(6, 10)}-${a.idNumber.slice(10, 12)}-${a.idNumber.slice(12, 14)}`;
  assert.equal(x.applicant.birth_date, birth);
  assert.equal(x.applicant.gender, Number(a.idNumber[16]) % 2 ? '男' : '女');
  assert.ok(Number.isInteger(x.applicant.age) && x.applicant.age >= 16);
  assert.deepEqual(x.memberships, []);
  assert.equal(x.data.unit_id, unitA.id);
  assert.equal(x.display.unit.name, unitA.name);
  assert.equal(x.org.name, unitA.union.name);
  assert.deepEqual(x.timeline.map((t) => t.action), ['save', 'submit']);
  assert.ok(!r.text.includes(a.idNumber) && !r.text.includes(a.phone), 'nothing unmasked');
});

test('scope: another union\'s reviewer and the street union\'s reviewer get 404 (detail, decisions, reveal); admins read', async () => {
  const a = await apply(unitA, '罗范围');
  const v = a.app.version;
  for (const c of [st.b, st.streetReviewer, st.c, st.otherAdmin]) {
    const who = c.staff.name;
    expectError(await detail(c, a.app.id), 404, 'not_found', undefined, `${who} detail`);
    for (const action of ['accept', 'approve', 'reject', 'return']) {
      expectError(await act(c, a.app.id, action, { version: v, reason: '不符合' }), 404, 'not_found', undefined, `${who} ${action}`);
    }
    expectError(await act(c, a.app.id, 'reveal-id', {}), 404, 'not_found', undefined, `${who} reveal`);
    const q = await c.get('/api/v1/admin/applications?page_size=100');
    assert.ok(!q.body.items.some((x) => x.id === a.app.id), `${who} queue`);
  }
  // The org admins above (district and street) and the platform admin: read-only.
  for (const c of [st.districtAdmin, st.streetAdmin, st.platform]) {
    const who = c.staff.name;
    let r = await c.get('/api/v1/admin/applications?page_size=100');
    assert.equal(r.status, 200);
    assert.equal(r.body.can_decide, false, who);
    assert.ok(r.body.items.some((x) => x.id === a.app.id), `${who} sees it in the queue`);
    r = await detail(c, a.app.id);
    assert.equal(r.status, 200, `${who}: ${r.text}`);
    assert.equal(r.body.application.can_decide, false);
    assert.deepEqual(r.body.application.actions, []);
    assert.equal(r.body.application.applicant.id_number, maskId(a.idNumber));
    for (const action of ['accept', 'approve', 'reject', 'return']) {
      expectError(await act(c, a.app.id, action, { version: v, reason: '不符合' }), 403, 'forbidden', undefined, `${who} ${action}`);
    }
    expectError(await act(c, a.app.id, 'reveal-id', {}), 403, 'forbidden', undefined, `${who} reveal`);
  }
  // The platform admin sees every union's applications.
  const b = await apply(unitB, '罗其他');
  const r = await st.platform.get('/api/v1/admin/applications?page_size=100');
  assert.ok(r.body.items.some((x) => x.id === b.app.id));
  const x = await st.districtAdmin.get('/api/v1/admin/applications?page_size=100');
  assert.ok(!x.body.items.some((i) => i.id === b.app.id), 'another district is outside the subtree');
  expectError(await detail(st.districtAdmin, b.app.id), 404, 'not_found');
  // Nothing was decided by any of this.
  assert.equal(await version(a.app.id), v);
  assert.equal((await a.client.get(`/api/v1/applications/${a.app.id}`)).body.application.status, 'submitted');
});

test('reject and return need a reason (≤ 200 characters); decisions need the version', async () => {
  const a = await apply(unitA, '黄原因');
  const v = a.app.version;
  for (const action of ['reject', 'return']) {
    for (const body of [{ version: v }, { version: v, reason: '' }, { version: v, reason: null }, { version: v, reason: '   ' },
      { version: v, reason: '原'.repeat(201) }]) {
      expectError(await act(st.a1, a.app.id, action, body), 400, undefined, 'reason', `${action} ${JSON.stringify(body).slice(0, 60)}`);
    }
    expectError(await act(st.a1, a.app.id, action, { version: v, reason: 42 }), 400, 'invalid_field', 'reason');
    expectError(await act(st.a1, a.app.id, action, { version: v, reason: '原因\u0007' }), 400, 'invalid_field', 'reason');
  }
  for (const action of ['accept', 'approve', 'reject', 'return']) {
    for (const body of [{ reason: '理由' }, { version: String(v), reason: '理由' }, { version: null, reason: '理由' }, { version: v + 0.5, reason: '理由' }]) {
      expectError(await act(st.a1, a.app.id, action, body), 400, undefined, 'version', `${action} ${JSON.stringify(body)}`);
    }
    expectError(await act(st.a1, a.app.id, action, { version: v + 7, reason: '理由' }), 409, 'conflict', undefined, `${action} stale`);
  }
  assert.equal(await version(a.app.id), v, 'nothing decided');
  await sleep(200);
  assert.equal(smsTo(a.phone).length, 1, 'no SMS but the registration code');
  // Exactly 200 characters is fine.
  const reason = '请'.repeat(200);
  const r = await act(st.a1, a.app.id, 'return', { version: v, reason });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.application.reason, reason);
  assert.equal(r.body.application.status, 'returned');
  // The SMS for so long a reason still goes out, whole characters only, quoting its start.
  const msgs = await waitSmsCount(a.phone, 2);
  assert.ok(msgs[1].text.includes(a.app.ref), msgs[1].text);
  assert.ok(msgs[1].text.includes('请'.repeat(30)), msgs[1].text);
  assert.ok(!msgs[1].text.includes('\ufffd'), msgs[1].text);
  assert.equal((await a.client.get(`/api/v1/applications/${a.app.id}`)).body.application.reason, reason, 'the whole reason in 我的办事');
});

test('two reviewers of the same union deciding at once: exactly one wins, the other gets 409 conflict', async () => {
  for (let i = 0; i < 3; i++) {
    const a = await apply(unitA, '高并发');
    const v = a.app.version;
    const rs = await Promise.all([
      act(st.a1, a.app.id, 'approve', { version: v }),
      act(st.a2, a.app.id, 'reject', { version: v, reason: '材料不全' }),
    ]);
    const statuses = rs.map((r) => r.status);
    assert.deepEqual([...statuses].sort(), [200, 409], rs.map((r) => r.text).join('\n'));
    const loser = rs.find((r) => r.status === 409);
    expectError(loser, 409, 'conflict');
    assert.equal(loser.body.error.message, '该申请已被其他审核人员处理，请刷新后查看');
    const won = statuses[0] === 200 ? 'completed' : 'rejected';
    const w = await a.client.get(`/api/v1/applications/${a.app.id}`);
    assert.equal(w.body.application.status, won);
    assert.equal(w.body.application.version, v + 1);
    assert.equal(w.body.application.timeline.filter((t) => t.actor !== '本人').length, 1, 'one decision in the timeline');
    const m = await a.client.get('/api/v1/membership');
    assert.equal(m.body.membership !== null, won === 'completed');
    await waitSmsCount(a.phone, 2);
    await sleep(150);
    assert.equal(smsTo(a.phone).length, 2, 'one decision, one SMS');
  }
  // The worker withdrawing while a reviewer approves: one wins, the state is whole.
  for (let i = 0; i < 2; i++) {
    const a = await apply(unitA, '高撤回');
    const [w, rv] = await Promise.all([
      a.client.post(`/api/v1/applications/${a.app.id}/withdraw`, { version: a.app.version }),
      act(st.a1, a.app.id, 'approve', { version: a.app.version }),
    ]);
    assert.deepEqual([w.status, rv.status].sort(), [200, 409], `${w.text}\n${rv.text}`);
    const now = (await a.client.get(`/api/v1/applications/${a.app.id}`)).body.application;
    const m = (await a.client.get('/api/v1/membership')).body.membership;
    if (w.status === 200) {
      assert.equal(now.status, 'withdrawn');
      assert.equal(m, null);
    } else {
      assert.equal(now.status, 'completed');
      assert.equal(m.status, 'active');
    }
  }
  // Two approvals at once: one membership.
  const a = await apply(unitA, '高并发');
  const rs = await Promise.all([act(st.a1, a.app.id, 'approve', { version: a.app.version }), act(st.a2, a.app.id, 'approve', { version: a.app.version })]);
  assert.deepEqual(rs.map((r) => r.status).sort(), [200, 409]);
  const m = await a.client.get('/api/v1/membership');
  assert.equal(m.body.history.length, 1);
});

test('受理: 办理中 with the handler; another reviewer of the same union takes over; the holder decides', async () => {
  const a = await apply(unitA, '曹受理');
  let r = await act(st.a1, a.app.id, 'accept', { version: a.app.version });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.application.status, 'processing');
  assert.equal(r.body.application.status_label, '办理中');
  assert.deepEqual(r.body.application.actions, ['approve', 'reject', 'return'], 'the holder does not accept again');
  let q = await st.a1.get(`/api/v1/admin/applications?q=${a.app.ref}`);
  assert.equal(q.body.items[0].handler, '甲审核');
  assert.equal(q.body.items[0].status, 'processing');
  // The other reviewer may take it over.
  r = await detail(st.a2, a.app.id);
  assert.deepEqual(r.body.application.actions, ['accept', 'approve', 'reject', 'return']);
  const v = r.body.application.version;
  expectError(await act(st.a2, a.app.id, 'accept', { version: v - 1 }), 409, 'conflict', undefined, 'stale take-over');
  r = await act(st.a2, a.app.id, 'accept', { version: v });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.application.status, 'processing');
  q = await st.a1.get(`/api/v1/admin/applications?q=${a.app.ref}`);
  assert.equal(q.body.items[0].handler, '乙审核');
  const tl = r.body.application.timeline;
  assert.deepEqual(tl.map((t) => t.action), ['save', 'submit', 'accept', 'accept']);
  assert.deepEqual(tl.slice(2).map((t) => t.actor), ['审核人员 甲审核', '审核人员 乙审核']);
  // The worker sees 办理中.
  const w = await a.client.get('/api/v1/affairs?tab=processing');
  assert.equal(w.body.items[0].status_label, '办理中');
  r = await act(st.a2, a.app.id, 'approve', { version: r.body.application.version });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.application.status, 'completed');
  assert.deepEqual(r.body.application.actions, []);
  // Decided is decided.
  for (const action of ['accept', 'approve', 'reject', 'return']) {
    expectError(await act(st.a1, a.app.id, action, { version: r.body.application.version, reason: '再审' }), 409, 'conflict', undefined, action);
  }
});

test('reveal-id: the full ID number to the owning union\'s reviewer, logged; refused to admins', async () => {
  const a = await apply(unitA, '潘证件');
  let r = await act(st.a1, a.app.id, 'reveal-id', {});
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, { id_number: a.idNumber });
  r = await act(st.a2, a.app.id, 'reveal-id');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.id_number, a.idNumber);
  const rows = dbQuery(srv, `SELECT actor_kind, actor_id, action FROM audit_log WHERE action = 'id_number.reveal' AND target = '${a.app.ref}' ORDER BY id`);
  assert.deepEqual(rows.map((x) => [x[0], Number(x[1])]), [['staff', st.a1.staff.id], ['staff', st.a2.staff.id]]);
  for (const c of [st.districtAdmin, st.platform]) expectError(await act(c, a.app.id, 'reveal-id', {}), 403, 'forbidden', undefined, c.staff.name);
  expectError(await act(st.b, a.app.id, 'reveal-id', {}), 404, 'not_found');
  expectError(await a.client.post(`/api/v1/admin/applications/${a.app.id}/reveal-id`, {}), 401, 'unauthenticated');
  // Without the CSRF token it is refused (it is a logged, state-changing request).
  const noCsrf = await st.a1.request('POST', `/api/v1/admin/applications/${a.app.id}/reveal-id`, {}, { headers: { 'X-CSRF-Token': 'x' } });
  expectError(noCsrf, 403, 'csrf');
  assert.equal(dbQuery(srv, `SELECT COUNT(*) FROM audit_log WHERE action = 'id_number.reveal' AND target = '${a.app.ref}'`)[0][0], '2');
});

test('SMS: approve, reject and return each send one to the worker; accept sends none', async () => {
  const a = await apply(unitA, '吕短信');
  await sleep(100);
  assert.equal(smsTo(a.phone).length, 1, 'submitting sends nothing (only the registration code so far)');
  let r = await act(st.a1, a.app.id, 'accept', { version: a.app.version });
  assert.equal(r.status, 200);
  const reason = '请补充工作单位所在地';
  r = await act(st.a1, a.app.id, 'return', { version: r.body.application.version, reason });
  assert.equal(r.status, 200, r.text);
  let msgs = await waitSmsCount(a.phone, 2);
  assert.ok(msgs[1].text.includes(a.app.ref) && msgs[1].text.includes(reason), msgs[1].text);
  assert.match(msgs[1].text, /退回/);
  // Resubmitted, accepted, rejected.
  let w = await a.client.get(`/api/v1/applications/${a.app.id}`);
  w = await a.client.request('PUT', `/api/v1/applications/${a.app.id}`, { submit: true, version: w.body.application.version });
  assert.equal(w.status, 200, w.text);
  r = await act(st.a2, a.app.id, 'accept', { version: w.body.application.version });
  assert.equal(r.status, 200);
  r = await act(st.a2, a.app.id, 'reject', { version: r.body.application.version, reason: '不符合入会条件' });
  assert.equal(r.status, 200);
  msgs = await waitSmsCount(a.phone, 3);
  assert.ok(msgs[2].text.includes(a.app.ref) && msgs[2].text.includes('不符合入会条件'), msgs[2].text);
  assert.match(msgs[2].text, /不通过/);

  const b = await apply(unitA, '吕通过');
  r = await act(st.a1, b.app.id, 'accept', { version: b.app.version });
  r = await act(st.a1, b.app.id, 'approve', { version: r.body.application.version });
  assert.equal(r.status, 200);
  const bm = await waitSmsCount(b.phone, 2);
  assert.ok(bm[1].text.includes(b.app.ref), bm[1].text);
  assert.match(bm[1].text, /通过/);
  await sleep(200);
  assert.equal(smsTo(a.phone).length, 3, 'two accepts sent nothing');
  assert.equal(smsTo(b.phone).length, 2);
  for (const m of [...smsTo(a.phone), ...smsTo(b.phone)]) assert.ok(!m.text.includes(a.idNumber) && !m.text.includes(b.idNumber));
});

test('a worker cookie on /api/v1/admin/*: 401; no session: 401', async () => {
  const a = await apply(unitA, '宋越权');
  for (const c of [a.client, new Client(srv.url)]) {
    for (const [m, p, body] of [
      ['GET', '/api/v1/admin/applications'], ['GET', `/api/v1/admin/applications/${a.app.id}`],
      ['POST', `/api/v1/admin/applications/${a.app.id}/reveal-id`, {}],
      ['POST', `/api/v1/admin/applications/${a.app.id}/approve`, { version: a.app.version }],
      ['POST', `/api/v1/admin/applications/${a.app.id}/accept`, { version: a.app.version }],
      ['GET', '/api/v1/admin/session'],
    ]) {
      const r = await c.request(m, p, body);
      if (p === '/api/v1/admin/session') {
        assert.equal(r.status, 200);
        assert.equal(r.body.authenticated, false, 'a worker is no staff');
        continue;
      }
      expectError(r, 401, 'unauthenticated', undefined, `${m} ${p}`);
    }
  }
  const w = await a.client.get(`/api/v1/applications/${a.app.id}`);
  assert.equal(w.body.application.status, 'submitted');
});

test('queue filters (status, kind, from/to, q by ref and by name) and pages', async () => {
  const names = ['章筛选', '夏筛选', '段筛选'];
  const apps = [];
  for (const n of names) apps.push(await apply(unitC, n));
  let r = await act(st.c, apps[1].app.id, 'accept', { version: apps[1].app.version });
  assert.equal(r.status, 200);
  r = await act(st.c, apps[2].app.id, 'reject', { version: apps[2].app.version, reason: '不符合' });
  assert.equal(r.status, 200);
  const get = async (qs) => {
    const x = await st.c.get('/api/v1/admin/applications?' + qs);
    assert.equal(x.status, 200, `${qs}: ${x.text}`);
    return x.body;
  };
  let b = await get('');
  assert.equal(b.total, 3);
  assert.equal(b.page, 1);
  assert.deepEqual(b.items.map((x) => x.id), [apps[2].app.id, apps[1].app.id, apps[0].app.id], 'latest submitted first');
  assert.deepEqual((await get('status=submitted')).items.map((x) => x.id), [apps[0].app.id]);
  assert.deepEqual((await get('status=processing')).items.map((x) => x.id), [apps[1].app.id]);
  assert.deepEqual((await get('status=rejected')).items.map((x) => x.id), [apps[2].app.id]);
  assert.equal((await get('status=completed')).total, 0);
  assert.equal((await get('kind=join')).total, 3);
  assert.equal((await get('kind=transfer')).total, 0);
  // Dates are China Standard Time days of submission.
  const now = await srv.advance(0);
  const day = (off) => new Date((now + 8 * 3600 + off * 86400) * 1000).toISOString().slice(0, 10);
  assert.equal((await get(`from=${day(0)}&to=${day(0)}`)).total, 3);
  assert.equal((await get(`from=${day(0)}`)).total, 3);
  assert.equal((await get(`to=${day(0)}`)).total, 3);
  assert.equal((await get(`from=${day(1)}`)).total, 0);
  assert.equal((await get(`to=${day(-1)}`)).total, 0);
  assert.equal((await get(`from=${day(-30)}&to=${day(-1)}`)).total, 0);
  // q: a reference number or an applicant's name.
  b = await get(`q=${apps[1].app.ref}`);
  assert.deepEqual(b.items.map((x) => x.id), [apps[1].app.id]);
  b = await get('q=' + encodeURIComponent('段筛选'));
  assert.deepEqual(b.items.map((x) => x.id), [apps[2].app.id]);
  b = await get('q=' + encodeURIComponent('无此人') + '&status=submitted');
  assert.equal(b.total, 0);
  b = await get('q=' + encodeURIComponent('章筛选') + '&status=rejected');
  assert.equal(b.total, 0, 'filters combine');
  // Pages.
  const p1 = await get('page_size=2');
  const p2 = await get('page_size=2&page=2');
  assert.equal(p1.items.length, 2);
  assert.equal(p2.items.length, 1);
  assert.equal(p2.page, 2);
  assert.equal(p1.total, 3);
  assert.equal(p2.total, 3);
  assert.deepEqual([...p1.items, ...p2.items].map((x) => x.id), [apps[2].app.id, apps[1].app.id, apps[0].app.id]);
  assert.deepEqual((await get('page_size=2&page=3')).items, []);
  // An org admin above filters its subtree the same way.
  const admin = await staff('org_admin', unitC.district.code, '筛选管理');
  const ab = await admin.get('/api/v1/admin/applications?q=' + encodeURIComponent('夏筛选'));
  assert.deepEqual(ab.body.items.map((x) => x.id), [apps[1].app.id]);
  assert.equal(ab.body.can_decide, false);

  // Bad parameters: 400 with the field.
  for (const [qs, field] of [
    ['status=draft', 'status'], ['status=foo', 'status'], ['status=SUBMITTED', 'status'], ['kind=subsidy', 'kind'],
    ['from=2026-13-01', 'from'], ['from=2026-00-10', 'from'], ['from=2026-02-30', 'from'], ['to=2026-04-31', 'to'],
    ['from=2026-1-011', 'from'], ['from=26-01-01', 'from'], ['to=2026/01/01', 'to'], ['from=20260101', 'from'],
    ['to=tomorrow', 'to'], ['page=0', 'page'], ['page=-1', 'page'], ['page=x', 'page'], ['page_size=0', 'page_size'],
    ['page_size=101', 'page_size'], ['q=' + encodeURIComponent('字'.repeat(51)), 'q'],
  ]) {
    const x = await st.c.get('/api/v1/admin/applications?' + qs);
    expectError(x, 400, 'invalid_field', field, qs);
  }
});

test('hostile input on the review endpoints: malformed JSON, wrong types, bad ids and actions; nothing written', async () => {
  const a = await apply(unitA, '邓恶意');
  const id = a.app.id;
  const v = a.app.version;
  for (const body of ['{"version":', '{"version":1,}', '[]', 'null', '"approve"', '{"version":1,"version":2}', '\u0000']) {
    for (const action of ['accept', 'approve', 'reject', 'return', 'reveal-id']) {
      const r = await st.a1.request('POST', `/api/v1/admin/applications/${id}/${action}`, body);
      expectError(r, 400, 'invalid_json', undefined, `${action} ${JSON.stringify(body)}`);
    }
  }
  for (const body of [{ version: v, reason: ['不符合'] }, { version: v, reason: { text: '不符合' } }, { version: v, reason: true }]) {
    expectError(await act(st.a1, id, 'reject', body), 400, 'invalid_field', 'reason', JSON.stringify(body));
  }
  for (const bad of ['abc', '0', '-1', '99999999999999999999', '1.5', '1e3', '9223372036854775807', '%00', '%E4%B8%80']) {
    expectError(await detail(st.a1, bad), 404, 'not_found', undefined, `detail ${bad}`);
    expectError(await act(st.a1, bad, 'approve', { version: 1 }), 404, 'not_found', undefined, `approve ${bad}`);
    expectError(await act(st.a1, bad, 'reveal-id', {}), 404, 'not_found', undefined, `reveal ${bad}`);
  }
  expectError(await detail(st.a1, 987654321), 404, 'not_found');
  // Worker actions and unknown words are not review decisions.
  for (const action of ['submit', 'withdraw', 'delete', 'save', 'APPROVE', 'approve ', 'foo', 'reveal', '..']) {
    const r = await act(st.a1, id, encodeURIComponent(action), { version: v, reason: '理由' });
    assert.ok(r.status === 404 || r.status === 405, `${action} → ${r.status} ${r.text}`);
    expectError(r, r.status, undefined, undefined, action);
  }
  const now = await detail(st.a1, id);
  assert.equal(now.body.application.version, v);
  assert.equal(now.body.application.status, 'submitted');
  assert.deepEqual(now.body.application.timeline.map((t) => t.action), ['save', 'submit']);
  await sleep(100);
  assert.equal(smsTo(a.phone).length, 1, 'no decision SMS');
});
