// 信息核实与登记 on the worker's side (issue 7 item 5; docs/api.md "Offline rosters and
// 信息核实与登记"): 信息核实 (confirm the record a roster made), 信息变更 (correction of the
// organisation, join date and member number: submit → return → fix → approve, in 我的办事 with
// its XB reference; the history and the member number stay consistent), 信息登记 (a worker who
// joined offline and is in no roster: the membership starts on the given date; joining is
// refused meanwhile), another worker's application, hostile input on every new endpoint.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, sleep } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';
import { assertErrorShape, dbQuery, decide, expectError, freshId, freshPhone, maskId, newStaff, register } from './helpers.mjs';

const A = '/api/v1/admin';

let srv;
let ORG = {};
const S = {};
let thisYear;

let addr = 0;
async function worker(opts = {}) {
  addr++;
  const client = new Client(srv.url);
  client.headers['X-Forwarded-For'] = `10.89.${addr >> 8}.${addr & 255}`;
  return register(srv, { client, name: opts.name || '谢核实', ...opts });
}

let noCounter = Math.floor(Math.random() * 1e6);
const memberNo = (p = 'HS') => `${p}-${++noCounter}`;
const birthId = () => freshId({ birth: '19850601' });

// A worker linked from the roster of `street` (same ID number and phone).
async function rosterMember(street, { joined = '2015-03-01', no = memberNo(), name = '谢核实' } = {}) {
  const idNumber = birthId(), phone = freshPhone();
  const text = `姓名,身份证号,手机号,入会日期,会员编号\r\n${name},${idNumber},${phone},${joined},${no}\r\n`;
  const r = await S.admin.post(`${A}/rosters`, { org_id: ORG[street], csv: text });
  assert.equal(r.status, 201, r.text);
  const w = await worker({ idNumber, phone, name });
  assert.equal(w.user.is_member, true);
  return { ...w, memberNo: no };
}

async function decided(c, id, action, reason) {
  const r = await decide(c, id, action, reason);
  assert.equal(r.status, 200, `${action}: ${r.text}`);
  return r.body.application;
}

async function consent(c, kind) {
  const r = await c.post(`/api/v1/${kind}/consent`, { version: '2026-11' });
  assert.equal(r.status, 201, `${kind} consent: ${r.text}`);
  return r.body.consent_id;
}
async function file(c, kind, data, { submit = true, consentId } = {}) {
  const consent_id = consentId ?? (await consent(c, kind));
  return c.post('/api/v1/applications', { kind, consent_id, request_id: randomUUID(), data, submit });
}
const put = (c, id, body) => c.request('PUT', `/api/v1/applications/${id}`, body);

async function verification(c) {
  const r = await c.get('/api/v1/verification');
  assert.equal(r.status, 200, r.text);
  return r.body;
}
async function membership(c) {
  const r = await c.get('/api/v1/membership');
  assert.equal(r.status, 200, r.text);
  return r.body.membership;
}

// A worker who joined online at the street union `street`, approved by `reviewer`.
async function join(w, street, reviewer) {
  const r = await file(w.client, 'join', { residence: '厦门市思明区湖滨南路1号', employment: 'none', work_district: street.slice(0, 6), work_street: street });
  assert.equal(r.status, 201, r.text);
  await decided(reviewer, r.body.application.id, 'approve');
}

const smsTo = (phone) => srv.sms().filter((m) => m.to === phone);

before(async () => {
  srv = await startServer({ env: { GONGHUI_TRUSTED_PROXIES: '127.0.0.1/32' } });
  ORG = Object.fromEntries(dbQuery(srv, 'SELECT code, id FROM org').map(([code, id]) => [code, Number(id)]));
  [S.admin, S.reviewer, S.r5, S.other] = await Promise.all([
    newStaff(srv, 'org_admin', '350203', '思明管理'),
    newStaff(srv, 'reviewer', '350203007', '开元审核'),
    newStaff(srv, 'reviewer', '350203005', '滨海审核'),
    newStaff(srv, 'reviewer', '350205001', '海沧审核'),
  ]);
  const w = await worker();
  thisYear = Number((await w.client.get('/api/v1/account')).headers.get('date')?.slice(12, 16)) || new Date().getUTCFullYear();
});

after(async () => {
  await srv?.stop();
});

test('信息核实: a record from the roster is unverified until the member confirms it (audit-logged, once)', async () => {
  const w = await rosterMember('350203007', { joined: '2013-04-01', name: '许核实' });
  let v = await verification(w.client);
  assert.equal(v.state, 'unverified');
  assert.deepEqual(Object.keys(v).sort(), ['can_register', 'open_application', 'record', 'state']);
  assert.deepEqual(Object.keys(v.record).sort(), ['id_masked', 'joined_on', 'member_no', 'name', 'org', 'source', 'status', 'status_label'].sort());
  assert.equal(v.record.name, '许核实');
  assert.equal(v.record.id_masked, maskId(w.idNumber));
  assert.equal(v.record.status_label, '会员');
  const r = await w.client.post('/api/v1/verification/confirm', {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.state, 'verified');
  assert.equal(r.body.record.joined_on, '2013-04-01');
  const again = await w.client.post('/api/v1/verification/confirm', {});
  assert.equal(again.status, 200);
  assert.equal(again.body.state, 'verified');
  const n = dbQuery(srv, `SELECT COUNT(*) FROM audit_log WHERE action = 'membership.verify' AND actor_id = ${w.user.id}`)[0][0];
  assert.equal(n, '1');
  // A member who joined online is verified already; a non-member has nothing to confirm.
  const fresh = await worker({ name: '许新人' });
  v = await verification(fresh.client);
  assert.deepEqual(v, { state: 'none', record: null, can_register: true, open_application: null });
  expectError(await fresh.client.post('/api/v1/verification/confirm', {}), 409, 'not_eligible');
  await join(fresh, '350203005', S.r5);
  v = await verification(fresh.client);
  assert.equal(v.state, 'verified');
  assert.equal(v.record.source, 'online');
  assert.equal(v.can_register, false);
});

test('信息变更: organisation, join date and member number — submit → return → fix → approve; in 我的办事 with its XB reference', async () => {
  const w = await rosterMember('350203007', { joined: '2015-03-01', name: '何变更' });
  const e = (await w.client.get('/api/v1/correction/eligibility')).body;
  assert.equal(e.eligible, true);
  assert.deepEqual(e.conditions.map((c) => [c.key, c.passed]), [['member', true], ['no_open_application', true]]);
  assert.equal(e.membership.member_no, w.memberNo);
  const ag = (await w.client.get('/api/v1/correction/agreement')).body;
  assert.equal(ag.version, '2026-11');
  assert.match(ag.title, /信息变更/);
  const newNo = memberNo('BH');
  const data = {
    items: ['org', 'joined_on', 'member_no'], district_code: '350203', street_code: '350203005',
    unit_name: '厦门某某商贸有限公司', joined_on: '2014-09-01', member_no: newNo,
    explanation: '入会时登记的单位有误，实际在滨海街道的单位工作', stray: 'dropped',
  };
  let r = await file(w.client, 'correction', data);
  assert.equal(r.status, 201, r.text);
  let app = r.body.application;
  assert.match(app.ref, /^XB\d{16}$/);
  assert.equal(app.kind_label, '信息变更申请');
  assert.equal(app.status, 'submitted');
  assert.equal(app.org.id, ORG['350203007'], 'reviewed by the current union');
  assert.equal(app.data.stray, undefined);
  assert.equal(app.data._current, undefined, 'the server\'s notes are not shown as form data');
  assert.deepEqual(app.display.item_labels, ['所属工会', '入会日期', '会员编号']);
  assert.deepEqual(app.display.current, { org: app.display.current.org, joined_on: '2015-03-01', member_no: w.memberNo });
  assert.equal(app.display.org_after.id, ORG['350203005']);
  assert.equal(app.display.street_name, '滨海街道');
  assert.ok(app.next_steps);
  // One at a time.
  assert.equal((await w.client.get('/api/v1/correction/eligibility')).body.eligible, false);
  expectError(await w.client.post('/api/v1/correction/consent', { version: '2026-11' }), 409, 'not_eligible');
  // In the reviewer's queue (another union: 404); returned with a reason.
  const q = await S.reviewer.get(`${A}/applications?kind=correction`);
  assert.ok(q.body.items.some((x) => x.id === app.id && x.kind_label === '信息变更申请'));
  expectError(await S.r5.get(`${A}/applications/${app.id}`), 404, 'not_found');
  const detail = (await S.reviewer.get(`${A}/applications/${app.id}`)).body.application;
  assert.deepEqual(detail.actions, ['accept', 'approve', 'reject', 'return']);
  await decided(S.reviewer, app.id, 'return', '入会日期请与入会登记表核对');
  let todo = (await w.client.get('/api/v1/affairs?tab=todo')).body.items;
  const returned = todo.find((x) => x.id === app.id);
  assert.equal(returned.status, 'returned');
  assert.equal(returned.reason, '入会日期请与入会登记表核对');
  assert.equal(returned.ref, app.ref);
  // Fixed and submitted again.
  app = (await w.client.get(`/api/v1/applications/${app.id}`)).body.application;
  r = await put(w.client, app.id, { data: { ...app.data, joined_on: '2014-10-01' }, submit: true, version: app.version });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.application.status, 'submitted');
  const done = await decided(S.reviewer, app.id, 'approve');
  assert.equal(done.status, 'completed');
  // The membership: the new organisation, join date and number, one more event; verified.
  const m = await membership(w.client);
  assert.equal(m.org.id, ORG['350203005']);
  assert.equal(m.joined_at, '2014-10-01');
  assert.equal(m.member_no, newNo);
  assert.equal(m.events.length, 2);
  assert.equal(m.events[1].application_ref, app.ref);
  assert.match(m.events[1].note, /信息变更.*所属工会.*入会日期 2015-03-01 → 2014-10-01.*会员编号/);
  assert.equal(m.events[1].org, m.org.name);
  const v = await verification(w.client);
  assert.equal(v.state, 'verified');
  const completed = (await w.client.get('/api/v1/affairs?tab=completed')).body.items;
  assert.ok(completed.some((x) => x.ref === app.ref && x.kind === 'correction'));
  // The worker was told by SMS.
  const until = Date.now() + 10000;
  const approvedSms = (x) => x.text.includes(`您的信息变更申请（编号${app.ref}）已审核通过`);
  while (!smsTo(w.phone).some(approvedSms) && Date.now() < until) await sleep(25);
  assert.ok(smsTo(w.phone).some(approvedSms), JSON.stringify(smsTo(w.phone)));
  // The roster's number is still the member's own (its entry is linked to this membership): it
  // may come back; another member's may not.
  const other = await rosterMember('350203007', { name: '何他人' });
  const t = await file(w.client, 'correction', { items: ['member_no'], member_no: other.memberNo, explanation: '想换一个会员编号' }, { submit: true });
  expectError(t, 400, 'invalid_field', 'data.member_no');
  const back = await file(w.client, 'correction', { items: ['member_no'], member_no: w.memberNo, explanation: '想换回原来的会员编号' });
  assert.equal(back.status, 201, back.text);
});

test('信息变更 is checked: items, dates, numbers, places, the explanation; drafts check formats only', async () => {
  const w = await rosterMember('350203007', { joined: '2016-06-01', name: '吕校验' });
  const other = await rosterMember('350203007', { name: '吕他人' });
  const cid = await consent(w.client, 'correction');
  const bad = [
    [{ items: 'org' }, 'data.items'],
    [{ items: ['org', 'org'] }, 'data.items'],
    [{ items: ['address'] }, 'data.items'],
    [{ items: [1] }, 'data.items'],
    [{ unit_id: 'abc' }, 'data.unit_id'],
    [{ unit_id: 99999999 }, 'data.unit_id'],
    [{ district_code: '999999' }, 'data.district_code'],
    [{ district_code: '350203', street_code: '350205001' }, 'data.street_code'],
    [{ joined_on: '2016/06/01' }, 'data.joined_on'],
    [{ joined_on: 20160601 }, 'data.joined_on'],
    [{ joined_on: `${thisYear + 1}-01-01` }, 'data.joined_on'],
    [{ joined_on: '2000-01-01' }, 'data.joined_on'], // before the 16th birthday
    [{ member_no: 'a b' }, 'data.member_no'],
    [{ member_no: 'XM201600000001' }, 'data.member_no'],
    [{ unit_name: '单'.repeat(101) }, 'data.unit_name'],
    [{ explanation: '说'.repeat(201) }, 'data.explanation'],
    [{ explanation: '换行\n不行' }, 'data.explanation'],
  ];
  for (const [data, field] of bad) {
    const r = await file(w.client, 'correction', data, { submit: false, consentId: cid });
    expectError(r, 400, 'invalid_field', field, JSON.stringify(data));
  }
  // 暂存 keeps a partial form.
  const draft = await file(w.client, 'correction', { items: ['joined_on'] }, { submit: false, consentId: cid });
  assert.equal(draft.status, 201, draft.text);
  assert.equal(draft.body.application.status, 'draft');
  const id = draft.body.application.id;
  let v = draft.body.application.version;
  const sub = async (data) => {
    const r = await put(w.client, id, { data, submit: true, version: v });
    if (r.status === 200) v = r.body.application.version;
    return r;
  };
  let r = await sub({ items: [] });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.body.error.code, 'incomplete');
  assert.deepEqual(r.body.error.fields, ['items', 'explanation']);
  r = await sub({ items: ['org', 'joined_on'], explanation: '单位和日期都不对' });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.body.error.fields, ['district_code', 'street_code', 'joined_on']);
  expectError(await sub({ items: ['joined_on'], joined_on: '2015-01-01', explanation: '短' }), 400, 'invalid_field', 'data.explanation');
  expectError(await sub({ items: ['joined_on'], joined_on: '2016-06-01', explanation: '日期与登记表一致' }), 400, 'invalid_field', 'data.joined_on');
  expectError(await sub({ items: ['member_no'], member_no: other.memberNo, explanation: '编号填错了' }), 400, 'invalid_field', 'data.member_no');
  expectError(await sub({ items: ['org'], district_code: '350203', street_code: '350203007', explanation: '所属工会不对' }), 400, 'invalid_field', 'data.street_code');
  // Items not chosen are dropped from the form.
  r = await sub({ items: ['joined_on'], joined_on: '2016-05-01', member_no: memberNo(), street_code: '350203005', explanation: '入会日期登记错了' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body.application.data).sort(), ['explanation', 'items', 'joined_on']);
  // A non-member cannot start one.
  const none = await worker({ name: '吕无会籍' });
  const e = (await none.client.get('/api/v1/correction/eligibility')).body;
  assert.equal(e.eligible, false);
  assert.equal(e.membership, null);
  expectError(await none.client.post('/api/v1/correction/consent', { version: '2026-11' }), 409, 'not_eligible');
});

test('a corrected join year moves a system member number with it; the history stays in order', async () => {
  // An online member: the number is XM + this year + the id.
  const w = await worker({ idNumber: birthId(), name: '施年份' });
  await join(w, '350203005', S.r5);
  const before = await membership(w.client);
  assert.match(before.member_no, new RegExp(`^XM${thisYear}\\d{8}$`));
  const r = await file(w.client, 'correction', { items: ['joined_on'], joined_on: `${thisYear - 2}-05-01`, explanation: '线下早已入会，系统日期不对' });
  assert.equal(r.status, 201, r.text);
  await decided(S.r5, r.body.application.id, 'approve');
  const after = await membership(w.client);
  assert.equal(after.joined_at, `${thisYear - 2}-05-01`);
  assert.equal(after.member_no, `XM${thisYear - 2}${before.member_no.slice(6)}`);
  assert.match(after.events.at(-1).note, /会员编号随入会年份/);

  // A member who left and joined again: the new join date cannot go back before the end of the
  // earlier membership.
  const z = await worker({ idNumber: birthId(), name: '施再入' });
  await join(z, '350203005', S.r5);
  const t = await file(z.client, 'transfer', { reason: 'withdraw' });
  assert.equal(t.status, 201, t.text);
  await decided(S.r5, t.body.application.id, 'approve');
  await join(z, '350203005', S.r5);
  const c = await file(z.client, 'correction', { items: ['joined_on'], joined_on: '2020-01-01', explanation: '早就入会了，想改日期' });
  assert.equal(c.status, 201, c.text);
  const refused = await decide(S.r5, c.body.application.id, 'approve');
  expectError(refused, 409, 'cannot_approve');
  assert.match(refused.body.error.message, /上一段会籍/);
  assert.equal((await membership(z.client)).events.length, 1, 'nothing changed');
  await decided(S.r5, c.body.application.id, 'reject', '日期与会籍记录不符');
});

test('信息登记: a worker in no roster registers the offline membership; joining is refused meanwhile; approval starts it on that date', async () => {
  const w = await worker({ idNumber: birthId(), name: '孔登记' });
  let e = (await w.client.get('/api/v1/registration/eligibility')).body;
  assert.equal(e.eligible, true, JSON.stringify(e));
  assert.deepEqual(e.conditions.map((c) => c.key), ['not_member', 'no_open_application']);
  assert.match((await w.client.get('/api/v1/registration/agreement')).body.title, /信息登记/);
  const no = memberNo('DJ');
  const r = await file(w.client, 'registration', { district_code: '350203', street_code: '350203005', joined_on: '2016-05-01', member_no: no, explanation: '2016年在原单位线下入会' });
  assert.equal(r.status, 201, r.text);
  const app = r.body.application;
  assert.match(app.ref, /^DJ\d{16}$/);
  assert.equal(app.kind_label, '信息登记申请');
  assert.equal(app.org.id, ORG['350203005'], 'routed like joining: the street union');
  // Joining is refused while it is open; so is a second registration.
  const j = (await w.client.get('/api/v1/join/eligibility')).body;
  assert.equal(j.eligible, false);
  assert.match(j.conditions.find((c) => c.key === 'no_open_application').reason, /信息登记/);
  expectError(await w.client.post('/api/v1/join/consent', { version: '2026-11' }), 409, 'not_eligible');
  assert.equal((await w.client.get('/api/v1/registration/eligibility')).body.eligible, false);
  const v = await verification(w.client);
  assert.equal(v.can_register, false);
  assert.equal(v.open_application.ref, app.ref);
  // Approved by the street union: the membership from that date, verified, with that number.
  expectError(await S.reviewer.get(`${A}/applications/${app.id}`), 404, 'not_found');
  await decided(S.r5, app.id, 'approve');
  const m = await membership(w.client);
  assert.equal(m.joined_at, '2016-05-01');
  assert.equal(m.member_no, no);
  assert.equal(m.org.id, ORG['350203005']);
  assert.equal(m.events[0].application_ref, app.ref);
  const after = await verification(w.client);
  assert.equal(after.state, 'verified');
  assert.equal(after.record.source, 'registration');
  e = (await w.client.get('/api/v1/registration/eligibility')).body;
  assert.equal(e.eligible, false);
  assert.equal((await w.client.get('/api/v1/affairs?tab=completed')).body.items[0].ref, app.ref);
  // A number already taken: the membership gets one of its own.
  const x = await worker({ idNumber: birthId(), name: '孔重号' });
  const r2 = await file(x.client, 'registration', { district_code: '350203', street_code: '350203005', joined_on: '2017-02-03', member_no: no });
  assert.equal(r2.status, 201, r2.text);
  await decided(S.r5, r2.body.application.id, 'approve');
  const m2 = await membership(x.client);
  assert.match(m2.member_no, /^XM2017\d{8}$/);
  assert.match(m2.events[0].note, /已分配新编号/);
  // Required fields at submit.
  const y = await worker({ name: '孔缺项' });
  const r3 = await file(y.client, 'registration', { unit_name: '某单位' });
  assert.equal(r3.status, 422, r3.text);
  assert.deepEqual(r3.body.error.fields, ['district_code', 'street_code', 'joined_on']);
});

test('a member cannot register; an open join blocks registration', async () => {
  const w = await rosterMember('350203007', { name: '曹已在册' });
  const e = (await w.client.get('/api/v1/registration/eligibility')).body;
  assert.equal(e.eligible, false);
  assert.match(e.conditions[0].reason, /无需登记/);
  expectError(await w.client.post('/api/v1/registration/consent', { version: '2026-11' }), 409, 'not_eligible');
  const j = await worker({ name: '曹入会中' });
  const r = await file(j.client, 'join', { residence: '厦门市思明区湖滨南路1号', employment: 'none', work_district: '350203', work_street: '350203005' });
  assert.equal(r.status, 201, r.text);
  const e2 = (await j.client.get('/api/v1/registration/eligibility')).body;
  assert.equal(e2.eligible, false);
  assert.equal(e2.open_application.kind, 'join');
  assert.equal((await verification(j.client)).can_register, false);
});

test('another worker\'s correction or registration answers 404, as a missing one', async () => {
  const owner = await rosterMember('350203007', { name: '严本人' });
  const r = await file(owner.client, 'correction', { items: ['joined_on'], joined_on: '2014-01-01', explanation: '入会日期登记有误' });
  assert.equal(r.status, 201, r.text);
  const app = r.body.application;
  const reg = await worker({ name: '严登记' });
  const r2 = await file(reg.client, 'registration', { district_code: '350203', street_code: '350203005', joined_on: '2016-01-01' });
  assert.equal(r2.status, 201, r2.text);
  const intruder = await worker({ name: '严他人' });
  for (const target of [app, r2.body.application]) {
    expectError(await intruder.client.get(`/api/v1/applications/${target.id}`), 404, 'not_found');
    expectError(await put(intruder.client, target.id, { data: {}, version: target.version }), 404, 'not_found');
    expectError(await intruder.client.post(`/api/v1/applications/${target.id}/withdraw`, { version: target.version }), 404, 'not_found');
    expectError(await intruder.client.request('DELETE', `/api/v1/applications/${target.id}`), 404, 'not_found');
  }
  assert.equal((await owner.client.get(`/api/v1/applications/${app.id}`)).body.application.status, 'submitted');
});

test('hostile input on the new worker endpoints: 4xx, never 5xx, nothing filed', async () => {
  const w = await rosterMember('350203007', { name: '华恶意' });
  const anon = new Client(srv.url);
  for (const p of ['/api/v1/verification', '/api/v1/correction/eligibility', '/api/v1/registration/eligibility']) {
    expectError(await anon.get(p), 401, 'unauthenticated', undefined, p);
    const r = await w.client.get(p + '?x=%00');
    assert.ok(r.status === 200 || r.status === 400, `${p} → ${r.status}`);
  }
  expectError(await anon.post('/api/v1/verification/confirm', {}), 401, 'unauthenticated');
  expectError(await w.client.post('/api/v1/verification/confirm', '[1,2]'), 400, 'invalid_json');
  expectError(await w.client.post('/api/v1/verification/confirm', {}, { headers: { 'X-CSRF-Token': 'nope' } }), 403, 'csrf');
  for (const kind of ['correction', 'registration']) {
    expectError(await w.client.post(`/api/v1/${kind}/consent`, { version: '1999-01' }), 400, 'invalid_field', 'version');
    expectError(await w.client.post(`/api/v1/${kind}/consent`, { version: 7 }), 400, 'invalid_field', 'version');
    expectError(await w.client.post(`/api/v1/${kind}/consent`, {}), 400, 'required', 'version');
  }
  const cid = await consent(w.client, 'correction');
  const shapes = [
    { data: [] }, { data: 'x' }, { data: { items: { a: 1 } } }, { data: { items: [null] } },
    { data: { joined_on: null, member_no: ['x'] } }, { data: { unit_id: -5 } }, { data: { unit_id: 1.5 } },
    { data: { street_code: {} } }, { data: { explanation: 12 } }, { data: { member_no: '\u0000' } },
  ];
  const before = (await w.client.get('/api/v1/affairs?tab=all')).body.total;
  for (const s of shapes) {
    for (const submit of [false, true]) {
      const r = await w.client.post('/api/v1/applications', { kind: 'correction', consent_id: cid, request_id: randomUUID(), submit, ...s });
      assert.ok(r.status >= 400 && r.status < 500, `${JSON.stringify(s)} → ${r.status} ${r.text}`);
      if (r.status === 422) assert.equal(r.body.error.code, 'incomplete'); // fields of no chosen item are dropped at submit
      else assertErrorShape(r);
    }
  }
  for (const kind of ['claim', 'Claim', 'registration ', '']) {
    const r = await w.client.post('/api/v1/applications', { kind, consent_id: cid, request_id: randomUUID(), data: {} });
    assert.ok([400, 422].includes(r.status), `${kind} → ${r.status}`);
    assertErrorShape(r);
  }
  // A consent for one kind does not file another.
  expectError(await w.client.post('/api/v1/applications', { kind: 'registration', consent_id: cid, request_id: randomUUID(), data: {} }), 400, 'consent_required');
  assert.equal((await w.client.get('/api/v1/affairs?tab=all')).body.total, before, 'nothing filed');
  // The review queue takes the new kinds as filters and refuses others.
  for (const kind of ['correction', 'registration', 'claim']) assert.equal((await S.reviewer.get(`${A}/applications?kind=${kind}`)).status, 200);
  expectError(await S.reviewer.get(`${A}/applications?kind=roster`), 400, 'invalid_field', 'kind');
});
