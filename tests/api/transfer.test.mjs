// 会籍变更 (membership change, SPEC §5 and §6): the nine reasons, each from a member who joined
// and was approved first: submit → approval by the reviewer the table names → the resulting
// status, organisation and history; the (status, reason) table at the check and at submit;
// the 转入单位 rules; one change at a time; authorisation and hostile input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, sleep } from '../lib/server.mjs';
import { Client, staffClient } from '../lib/client.mjs';
import { addStaff, assertErrorShape, dbQuery, expectError, freshId, freshPhone, register } from './helpers.mjs';

let srv;
let unionUnits; // demo units with a grassroots union
let plainUnits; // demo units without one
let unitA; // where most members join
let unitB; // the usual 转入单位 with a union
let unitC; // another 转入单位 with a union
let unitD; // its union is dissolved in the bankruptcy test (used by nobody else)
let plainN; // a 转入单位 without a union
let plainM; // another one, in another street

const REASONS = ['labor_change', 'laid_off', 'bankrupt', 'unemployed', 'no_union_unit', 'retired', 'military', 'withdraw', 'expelled'];
const LABELS = {
  labor_change: '劳动（工作）关系发生变化', laid_off: '在本单位下岗后待岗', bankrupt: '所在企业破产',
  unemployed: '失业', no_union_unit: '转入单位未建会', retired: '退休', military: '服兵役',
  withdraw: '个人要求退会', expelled: '因犯罪被开除会籍',
};
const STATUS_LABELS = {
  active: '会员', laid_off: '下岗待岗', retained_unemployed: '保留会籍（失业）', retained_bankrupt: '保留会籍（破产）',
  retained_retired: '保留会籍（退休）', retained_military: '保留会籍（服兵役）', withdrawn: '已退会', expelled: '已开除',
};
const CURRENT = ['active', 'laid_off', 'retained_unemployed', 'retained_bankrupt', 'retained_retired', 'retained_military'];
// SPEC §5, column "allowed from", written out independently of the server's table.
const ALLOWED = {
  labor_change: CURRENT,
  laid_off: ['active'],
  bankrupt: ['active', 'laid_off'],
  unemployed: ['active', 'laid_off'],
  no_union_unit: CURRENT,
  retired: CURRENT.filter((s) => s !== 'retained_retired'),
  military: ['active', 'laid_off'],
  withdraw: CURRENT,
  expelled: CURRENT,
};
// The reason whose approval puts an active member into each status.
const INTO = { laid_off: 'laid_off', retained_unemployed: 'unemployed', retained_bankrupt: 'bankrupt', retained_retired: 'retired', retained_military: 'military' };

// Every worker comes from its own client address (through a trusted proxy), so the
// per-address SMS caps of registration never bite however many workers the file makes.
let addr = 0;
async function worker(name = '赵会籍') {
  addr++;
  const client = new Client(srv.url);
  client.headers['X-Forwarded-For'] = `10.31.${addr >> 8}.${addr & 255}`;
  return register(srv, { client, idNumber: freshId(), name });
}

// One reviewer per organisation code (a unit's union code, or a street's region code).
const reviewers = new Map();
async function reviewer(code) {
  if (reviewers.has(code)) return reviewers.get(code);
  const phone = freshPhone('15');
  const r = addStaff(srv, { role: 'reviewer', phone, name: '审核' + code.slice(-3), org: code });
  assert.equal(r.status, 0, 'user add: ' + r.stderr);
  const { client: c, response: l } = await staffClient(srv, { phone, password: 'Passw0rdXyz1' });
  assert.equal(l.status, 200, l.text);
  c.org = l.body.staff.org; // {id, code, name}
  reviewers.set(code, c);
  return c;
}
const unionOf = (u) => reviewer(u.union.code);
const streetOf = (u) => reviewer(u.street.code);

async function consent(c, kind = 'transfer') {
  const r = await c.post(`/api/v1/${kind}/consent`, { version: '2026-11' });
  assert.equal(r.status, 201, `${kind} consent: ` + r.text);
  return r.body.consent_id;
}

async function file(c, data, { submit = true, consentId, requestId = randomUUID(), kind = 'transfer' } = {}) {
  const consent_id = consentId ?? (await consent(c, kind));
  return c.post('/api/v1/applications', { kind, consent_id, request_id: requestId, data, submit });
}

async function submitted(c, data) {
  const r = await file(c, data);
  assert.equal(r.status, 201, 'submit: ' + r.text);
  assert.equal(r.body.application.status, 'submitted');
  return r.body.application;
}

const put = (c, id, body) => c.request('PUT', `/api/v1/applications/${id}`, body);
const del = (c, id) => c.request('DELETE', `/api/v1/applications/${id}`);

async function approve(s, app) {
  const d = await s.get(`/api/v1/admin/applications/${app.id}`);
  assert.equal(d.status, 200, 'review detail: ' + d.text);
  const r = await s.post(`/api/v1/admin/applications/${app.id}/approve`, { version: d.body.application.version });
  assert.equal(r.status, 200, 'approve: ' + r.text);
  assert.equal(r.body.application.status, 'completed');
  return r.body.application;
}

// A reviewer of another union neither sees nor decides the application: 404, as a missing one.
async function notVisibleTo(s, app) {
  expectError(await s.get(`/api/v1/admin/applications/${app.id}`), 404, 'not_found', undefined, `${s.org.name} detail`);
  const q = await s.get('/api/v1/admin/applications?kind=transfer');
  assert.equal(q.status, 200, q.text);
  assert.ok(!q.body.items.some((x) => x.id === app.id), `${s.org.name} queue must not list ${app.ref}`);
  for (const action of ['accept', 'approve', 'reject']) {
    expectError(await s.post(`/api/v1/admin/applications/${app.id}/${action}`, { version: app.version, reason: '不对' }),
      404, 'not_found', undefined, `${s.org.name} ${action}`);
  }
}

async function membership(c) {
  const r = await c.get('/api/v1/membership');
  assert.equal(r.status, 200, r.text);
  return r.body;
}

async function eligibility(c) {
  const r = await c.get('/api/v1/transfer/eligibility');
  assert.equal(r.status, 200, r.text);
  return { ...r.body, by: Object.fromEntries(r.body.reasons.map((x) => [x.key, x])), cond: Object.fromEntries(r.body.conditions.map((x) => [x.key, x])) };
}

function unitData(u) {
  return { unit_id: u.id, unit_district: u.district.code, unit_street: u.street.code };
}

// A worker who joined at unit u (its union approved it); { ...worker, memberNo, orgName }.
async function member(u = unitA, name) {
  const w = await worker(name);
  const r = await file(w.client, {
    residence: '厦门市思明区湖滨南路1号', employment: 'unit', unit_id: u.id,
    work_district: u.district.code, work_street: u.street.code,
  }, { kind: 'join' });
  assert.equal(r.status, 201, 'join: ' + r.text);
  const s = await unionOf(u);
  assert.equal(r.body.application.org.name, s.org.name, 'join is routed to the unit union');
  await approve(s, r.body.application);
  const m = (await membership(w.client)).membership;
  assert.equal(m.status, 'active');
  assert.equal(m.org.name, u.union.name);
  assert.match(m.member_no, /^XM\d{12}$/);
  return { ...w, memberNo: m.member_no, orgName: m.org.name, joinRef: r.body.application.ref };
}

// Submits a change, checks that it went to `by` (and not to `notBy`), approves it; returns
// { app, m } with the membership afterwards.
async function change(w, data, by, notBy = []) {
  const app = await submitted(w.client, data);
  assert.equal(app.kind, 'transfer');
  assert.match(app.ref, /^HJ\d+$/);
  assert.equal(app.org.name, by.org.name, `${data.reason} is reviewed by ${by.org.name}`);
  const q = await by.get('/api/v1/admin/applications?kind=transfer&q=' + app.ref);
  assert.equal(q.status, 200, q.text);
  assert.deepEqual(q.body.items.map((x) => [x.ref, x.kind_label, x.status]), [[app.ref, '会籍变更申请', 'submitted']]);
  for (const s of notBy) await notVisibleTo(s, app);
  const approved = await approve(by, app);
  assert.equal(approved.ref, app.ref);
  const m = await membership(w.client);
  return { app, m };
}

// A member of unit A brought into `status` by approved changes.
async function memberIn(status) {
  const w = await member(unitA);
  if (status === 'active') return w;
  const s = await unionOf(unitA);
  const { m } = await change(w, { reason: INTO[status] }, s);
  assert.equal(m.membership.status, status);
  return w;
}

function lastEvent(m) {
  const ev = m.events;
  return ev[ev.length - 1];
}

async function waitSms(phone, needle) {
  for (let i = 0; i < 200; i++) {
    const hit = srv.sms().find((x) => x.to === phone && x.text.includes(needle));
    if (hit) return hit;
    await sleep(25);
  }
  throw new Error(`no SMS to ${phone} with ${needle}`);
}

before(async () => {
  srv = await startServer({ env: { GONGHUI_TRUSTED_PROXIES: '127.0.0.1/32' } });
  const w = await worker();
  const r = await w.client.get('/api/v1/units?q=' + encodeURIComponent('厦门') + '&page_size=50');
  assert.equal(r.status, 200, r.text);
  unionUnits = r.body.items.filter((u) => u.has_union && u.union?.code);
  plainUnits = r.body.items.filter((u) => !u.has_union);
  assert.ok(unionUnits.length >= 4 && plainUnits.length >= 2, 'the demo data has units with and without a union');
  [unitA, unitB, unitC, unitD] = unionUnits;
  // distinct streets, so that routing by street is visible
  const streets = new Set([unitA.street.code, unitB.street.code, unitC.street.code, unitD.street.code]);
  plainN = plainUnits.find((u) => !streets.has(u.street.code));
  plainM = plainUnits.find((u) => u.street.code !== plainN.street.code && !streets.has(u.street.code));
  assert.ok(plainN && plainM);
  assert.notEqual(unitA.union.code, unitB.union.code);
});
after(async () => { await srv?.stop(); });

// ---- the service's pages ------------------------------------------------------------------

test('transfer endpoints need a worker session; the agreement is public text with a version', async () => {
  const anon = new Client(srv.url);
  for (const [m, p] of [['GET', '/api/v1/transfer/eligibility'], ['POST', '/api/v1/transfer/consent']]) {
    expectError(await anon.request(m, p, m === 'GET' ? undefined : { version: '2026-11' }), 401, 'unauthenticated', undefined, p);
  }
  const w = await worker();
  const r = await w.client.get('/api/v1/transfer/agreement');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.version, '2026-11');
  assert.equal(r.body.title, '工会会员会籍关系变更提醒');
  for (const words of ['劳动（工作）关系', '一个工会', '原工会不再']) assert.ok(r.body.text.includes(words), words);
  expectError(await w.client.post('/api/v1/transfer/consent', { version: '2020-01' }), 400, 'invalid_field', 'version');
  expectError(await w.client.post('/api/v1/transfer/consent', { version: 202611 }), 400, 'invalid_field', 'version');
  expectError(await w.client.post('/api/v1/transfer/consent', {}), 400, 'required', 'version');
});

test('a member sees nine reasons, all allowed, each with its label and explanation', async () => {
  const w = await member();
  const e = await eligibility(w.client);
  assert.equal(e.eligible, true);
  assert.deepEqual(e.conditions.map((x) => [x.key, x.passed]), [['member', true], ['no_open_application', true]]);
  assert.ok(e.cond.member.reason.includes(w.orgName) && e.cond.member.reason.includes('会员'), e.cond.member.reason);
  assert.deepEqual(e.membership, { member_no: w.memberNo, status: 'active', status_label: '会员', org: { id: e.membership.org.id, name: w.orgName } });
  assert.equal(e.open_application, null);
  assert.deepEqual(e.reasons.map((x) => x.key), REASONS);
  for (const x of e.reasons) {
    assert.equal(x.label, LABELS[x.key]);
    assert.match(x.explanation, /^指您/);
    assert.equal(x.allowed, true, x.key);
    assert.equal(x.why, null, x.key);
    assert.equal(x.needs_unit, x.key === 'labor_change' || x.key === 'no_union_unit', x.key);
    assert.equal(x.unit_rule, { labor_change: 'with_union', no_union_unit: 'without_union' }[x.key] ?? null, x.key);
  }
});

test('non-members are refused: no membership, a join still in review, at the check and at submit', async () => {
  const w = await worker();
  let e = await eligibility(w.client);
  assert.equal(e.eligible, false);
  assert.equal(e.cond.member.passed, false);
  assert.match(e.cond.member.reason, /没有有效会籍/);
  assert.equal(e.membership, null);
  for (const x of e.reasons) {
    assert.equal(x.allowed, false, x.key);
    assert.match(x.why, /没有有效会籍/, x.key);
  }
  expectError(await w.client.post('/api/v1/transfer/consent', { version: '2026-11' }), 409, 'not_eligible');
  // A join consent is not a transfer consent.
  const joinConsent = await consent(w.client, 'join');
  expectError(await file(w.client, { reason: 'withdraw' }, { consentId: joinConsent }), 400, 'consent_required', 'consent_id');
  // A join application under review does not make a member.
  const j = await file(w.client, { residence: '厦门', employment: 'unit', ...{ unit_id: unitA.id, work_district: unitA.district.code, work_street: unitA.street.code } }, { kind: 'join', consentId: joinConsent });
  assert.equal(j.status, 201, j.text);
  e = await eligibility(w.client);
  assert.equal(e.eligible, false);
  expectError(await w.client.post('/api/v1/transfer/consent', { version: '2026-11' }), 409, 'not_eligible');
  const a = await w.client.get('/api/v1/affairs?tab=all');
  assert.equal(a.body.total, 1, 'nothing but the join application was filed');
});

// ---- the nine reasons ---------------------------------------------------------------------

test('劳动（工作）关系发生变化: reviewed by the receiving union; active there, member number kept', async () => {
  const w = await member(unitA);
  const sA = await unionOf(unitA), sB = await unionOf(unitB), sC = await unionOf(unitC);
  const app = await submitted(w.client, { reason: 'labor_change', ...unitData(unitB) });
  assert.deepEqual(app.data, { reason: 'labor_change', ...unitData(unitB) });
  assert.equal(app.display.reason_label, LABELS.labor_change);
  assert.equal(app.display.unit.id, unitB.id);
  assert.equal(app.display.unit_district_name, unitB.district.name);
  assert.equal(app.display.unit_street_name, unitB.street.name);
  assert.deepEqual(app.display.current, { member_no: w.memberNo, status_label: '会员', org: w.orgName });
  assert.match(app.next_steps, /会籍变更/);
  assert.equal(app.org.name, unitB.union.name, 'the receiving union reviews');
  await notVisibleTo(sA, app); // not the union the member leaves
  await notVisibleTo(sC, app);
  // The receiving union's console shows the applicant's current membership beside the change.
  const d = await sB.get(`/api/v1/admin/applications/${app.id}`);
  assert.equal(d.status, 200, d.text);
  assert.deepEqual(d.body.application.display.current, { member_no: w.memberNo, status_label: '会员', org: w.orgName },
    'the review console shows the applicant\'s own membership');
  assert.ok(d.body.application.memberships.some((x) => x.member_no === w.memberNo && x.current));
  await approve(sB, app);
  const m = await membership(w.client);
  assert.equal(m.membership.status, 'active');
  assert.equal(m.membership.status_label, '会员');
  assert.equal(m.membership.org.name, unitB.union.name);
  assert.equal(m.membership.member_no, w.memberNo, 'member number kept');
  assert.equal(m.history.length, 1, 'one membership, moved');
  assert.deepEqual(m.membership.events.map((x) => [x.status, x.org, x.application_ref]),
    [['active', unitA.union.name, w.joinRef], ['active', unitB.union.name, app.ref]]);
  assert.equal(lastEvent(m.membership).note, LABELS.labor_change);
  assert.match(lastEvent(m.membership).at, /^\d{4}-\d\d-\d\dT/);
  const sms = await waitSms(w.phone, app.ref);
  assert.match(sms.text, /会籍变更申请.*审核通过/);
  // The old union no longer serves the member: its reviewer decides the next change no more.
  const next = await submitted(w.client, { reason: 'retired' });
  assert.equal(next.org.name, unitB.union.name);
  await notVisibleTo(sA, next);
});

test('在本单位下岗后待岗: reviewed by the current union; 下岗待岗 at the same union', async () => {
  const w = await member(unitA);
  const { app, m } = await change(w, { reason: 'laid_off' }, await unionOf(unitA), [await unionOf(unitB), await streetOf(unitA)]);
  assert.equal(m.membership.status, 'laid_off');
  assert.equal(m.membership.status_label, '下岗待岗');
  assert.equal(m.membership.org.name, unitA.union.name);
  assert.equal(m.membership.member_no, w.memberNo);
  assert.deepEqual([lastEvent(m.membership).status, lastEvent(m.membership).org, lastEvent(m.membership).application_ref],
    ['laid_off', unitA.union.name, app.ref]);
  assert.equal(m.membership.events.length, 2);
});

test('所在企业破产: reviewed by the current union; 保留会籍（破产）, managed by the old unit\'s street/town union', async () => {
  const w = await member(unitA);
  const street = await streetOf(unitA);
  const { app, m } = await change(w, { reason: 'bankrupt' }, await unionOf(unitA), [await unionOf(unitB), street]);
  assert.equal(m.membership.status, 'retained_bankrupt');
  assert.equal(m.membership.status_label, '保留会籍（破产）');
  assert.equal(m.membership.org.name, street.org.name, 'the street/town union of the old unit');
  assert.match(street.org.name, /(街道|镇|园区|林场|场).*工会/);
  assert.equal(m.membership.member_no, w.memberNo);
  assert.deepEqual([lastEvent(m.membership).status, lastEvent(m.membership).org, lastEvent(m.membership).application_ref],
    ['retained_bankrupt', street.org.name, app.ref]);
  // Managed there from now on: the next change goes to the street union, not the old one.
  const next = await submitted(w.client, { reason: 'retired' });
  assert.equal(next.org.name, street.org.name);
  await notVisibleTo(await unionOf(unitA), next);
  await approve(street, next);
  const after = await membership(w.client);
  assert.equal(after.membership.status, 'retained_retired');
  assert.equal(after.membership.org.name, street.org.name);
  // After a transfer the old unit is the one the member moved to: its street union manages.
  const moved = await member(unitA);
  await change(moved, { reason: 'labor_change', ...unitData(unitC) }, await unionOf(unitC));
  const r = await change(moved, { reason: 'bankrupt' }, await unionOf(unitC), [await unionOf(unitA)]);
  assert.equal(r.m.membership.org.name, (await streetOf(unitC)).org.name);
  assert.notEqual(unitC.street.code, unitA.street.code);
});

test('所在企业破产 when the member\'s union no longer exists: its parent reviews', async () => {
  const w = await member(unitD);
  const parent = await streetOf(unitD); // a grassroots union's parent is its street/town union
  const own = await unionOf(unitD);
  // No API dissolves a union yet: the back office would; here the database does.
  dbQuery(srv, `UPDATE org SET active = 0 WHERE code = '${unitD.union.code}'`);
  const { app, m } = await change(w, { reason: 'bankrupt' }, parent, [own]);
  assert.equal(app.org.name, parent.org.name);
  assert.equal(m.membership.status, 'retained_bankrupt');
  assert.equal(m.membership.org.name, parent.org.name);
  assert.equal(m.membership.member_no, w.memberNo);
});

test('失业: reviewed by the current union; 保留会籍（失业） at the same union', async () => {
  const w = await member(unitA);
  const { app, m } = await change(w, { reason: 'unemployed' }, await unionOf(unitA), [await unionOf(unitB)]);
  assert.equal(m.membership.status, 'retained_unemployed');
  assert.equal(m.membership.status_label, '保留会籍（失业）');
  assert.equal(m.membership.org.name, unitA.union.name);
  assert.equal(m.membership.member_no, w.memberNo);
  assert.equal(lastEvent(m.membership).application_ref, app.ref);
  assert.equal(lastEvent(m.membership).status_label, '保留会籍（失业）');
});

test('转入单位未建会: reviewed by the street/town union of 转入单位所在地; active, held there', async () => {
  const w = await member(unitA);
  const target = await streetOf(plainN);
  const app = await submitted(w.client, { reason: 'no_union_unit', ...unitData(plainN) });
  assert.equal(app.org.name, target.org.name);
  assert.equal(app.display.unit.id, plainN.id);
  assert.equal(app.display.unit.union ?? null, null);
  await notVisibleTo(await unionOf(unitA), app);
  await notVisibleTo(await streetOf(unitA), app);
  await notVisibleTo(await streetOf(plainM), app);
  await approve(target, app);
  const m = await membership(w.client);
  assert.equal(m.membership.status, 'active');
  assert.equal(m.membership.status_label, '会员');
  assert.equal(m.membership.org.name, target.org.name);
  assert.equal(m.membership.member_no, w.memberNo);
  assert.deepEqual([lastEvent(m.membership).status, lastEvent(m.membership).org, lastEvent(m.membership).application_ref, lastEvent(m.membership).note],
    ['active', target.org.name, app.ref, LABELS.no_union_unit]);
  // Held by the street union until the unit founds one: that union decides the next change.
  const next = await submitted(w.client, { reason: 'laid_off' });
  assert.equal(next.org.name, target.org.name);
});

test('退休: reviewed by the current union; 保留会籍（退休） at the same union', async () => {
  const w = await member(unitA);
  const { app, m } = await change(w, { reason: 'retired' }, await unionOf(unitA), [await unionOf(unitB)]);
  assert.equal(m.membership.status, 'retained_retired');
  assert.equal(m.membership.status_label, '保留会籍（退休）');
  assert.equal(m.membership.org.name, unitA.union.name);
  assert.equal(m.membership.member_no, w.memberNo);
  assert.equal(lastEvent(m.membership).application_ref, app.ref);
});

test('服兵役: reviewed by the current union; 保留会籍（服兵役） at the same union', async () => {
  const w = await member(unitA);
  const { app, m } = await change(w, { reason: 'military' }, await unionOf(unitA), [await unionOf(unitB)]);
  assert.equal(m.membership.status, 'retained_military');
  assert.equal(m.membership.status_label, '保留会籍（服兵役）');
  assert.equal(m.membership.org.name, unitA.union.name);
  assert.equal(m.membership.member_no, w.memberNo);
  assert.equal(lastEvent(m.membership).application_ref, app.ref);
});

// The membership ended by withdrawal or expulsion: none current, the history kept, and the
// person may join again; the next union's reviewer sees the earlier membership.
async function endedAndJoinAgain(w, status, app) {
  const m = await membership(w.client);
  assert.equal(m.membership, null, 'no current membership');
  assert.equal(m.history.length, 1);
  const h = m.history[0];
  assert.equal(h.current, false);
  assert.equal(h.status, status);
  assert.equal(h.status_label, STATUS_LABELS[status]);
  assert.equal(h.member_no, w.memberNo);
  assert.equal(h.org.name, unitA.union.name);
  assert.deepEqual(h.events.map((x) => [x.status, x.application_ref]), [['active', w.joinRef], [status, app.ref]]);
  const s = await w.client.get('/api/v1/session');
  assert.equal(s.body.user.is_member, false);
  // No longer a member: no further change.
  const e = await eligibility(w.client);
  assert.equal(e.eligible, false);
  assert.equal(e.membership, null);
  assert.ok(e.reasons.every((x) => !x.allowed && /没有有效会籍/.test(x.why)));
  expectError(await w.client.post('/api/v1/transfer/consent', { version: '2026-11' }), 409, 'not_eligible');
  // Joining again.
  const j = await w.client.get('/api/v1/join/eligibility');
  assert.equal(j.body.eligible, true, j.text);
  const r = await file(w.client, { residence: '厦门市湖里区', employment: 'unit', unit_id: unitB.id, work_district: unitB.district.code, work_street: unitB.street.code }, { kind: 'join' });
  assert.equal(r.status, 201, r.text);
  const sB = await unionOf(unitB);
  const d = await sB.get(`/api/v1/admin/applications/${r.body.application.id}`);
  assert.ok(d.body.application.memberships.some((x) => x.member_no === w.memberNo && !x.current && x.status_label === STATUS_LABELS[status]),
    'the reviewer sees the earlier membership: ' + JSON.stringify(d.body.application.memberships));
  await approve(sB, r.body.application);
  const again = await membership(w.client);
  assert.equal(again.membership.status, 'active');
  assert.equal(again.membership.org.name, unitB.union.name);
  assert.equal(again.history.length, 2, 'the ended membership is kept beside the new one');
  assert.ok(again.history.some((x) => x.member_no === w.memberNo && x.status === status && !x.current));
}

test('个人要求退会: reviewed by the current union; 已退会 ends the membership; a former member joins again', async () => {
  const w = await member(unitA);
  const { app, m } = await change(w, { reason: 'withdraw' }, await unionOf(unitA), [await unionOf(unitB)]);
  assert.equal(m.membership, null);
  await endedAndJoinAgain(w, 'withdrawn', app);
});

test('因犯罪被开除会籍: reviewed by the current union; 已开除 ends the membership; the parent gets a back-office notice', async () => {
  const w = await member(unitA);
  const { app } = await change(w, { reason: 'expelled' }, await unionOf(unitA), [await unionOf(unitB), await streetOf(unitA)]);
  // No API shows the parent's notices yet; the database holds it.
  const street = await streetOf(unitA);
  const rows = dbQuery(srv, `SELECT o.code, n.text FROM org_notice n JOIN org o ON o.id = n.org_id WHERE n.application_ref = '${app.ref}'`);
  assert.equal(rows.length, 1, 'one notice');
  assert.equal(rows[0][0], street.org.code, 'to the parent of the member\'s union');
  assert.ok(rows[0][1].includes(w.memberNo) && rows[0][1].includes('开除'), rows[0][1]);
  await endedAndJoinAgain(w, 'expelled', app);
});

// ---- the (status, reason) table -----------------------------------------------------------

test('every (status, reason) pair: allowed ones pass the check and the form, the others are refused naming the problem', async () => {
  const members = {};
  for (const status of CURRENT) members[status] = await memberIn(status);
  for (const status of CURRENT) {
    const w = members[status];
    const e = await eligibility(w.client);
    assert.equal(e.eligible, true, status);
    assert.equal(e.membership.status, status);
    assert.equal(e.membership.status_label, STATUS_LABELS[status]);
    assert.ok(e.cond.member.reason.includes(STATUS_LABELS[status]), e.cond.member.reason);
    for (const reason of REASONS) {
      const x = e.by[reason];
      const allowed = ALLOWED[reason].includes(status);
      const label = `${status} × ${reason}`;
      assert.equal(x.allowed, allowed, label);
      const data = { reason, ...(reason === 'labor_change' ? unitData(unitB) : reason === 'no_union_unit' ? unitData(plainN) : {}) };
      if (allowed) {
        assert.equal(x.why, null, label);
        const r = await file(w.client, data, { submit: false });
        assert.equal(r.status, 201, `${label} draft: ${r.text}`);
        assert.equal((await del(w.client, r.body.application.id)).status, 204, label);
        continue;
      }
      assert.match(x.why, /[\u4e00-\u9fff]/, label);
      if (reason === 'retired') assert.match(x.why, /已是保留会籍（退休）/, label);
      else if (status === 'laid_off' || reason === 'laid_off') assert.match(x.why, /只适用于在职会员/, label);
      else assert.match(x.why, /保留会籍期间不能选择/, label);
      for (const submit of [true, false]) {
        const r = await file(w.client, data, { submit });
        expectError(r, 400, 'invalid_field', 'data.reason', `${label} submit=${submit}`);
        assert.equal(r.body.error.message, x.why, label);
      }
    }
    const a = await w.client.get('/api/v1/affairs?tab=all');
    assert.equal(a.body.counts.todo + a.body.counts.processing, 0, `${status}: nothing left open`);
    const m = await membership(w.client);
    assert.equal(m.membership.status, status, 'refusals change nothing');
  }
});

test('a former member (已退会) is refused every reason, at the check and at submit with a consent taken earlier', async () => {
  const w = await member(unitA);
  const earlier = await consent(w.client); // taken while a member, never used
  await change(w, { reason: 'withdraw' }, await unionOf(unitA));
  const e = await eligibility(w.client);
  for (const reason of REASONS) {
    assert.equal(e.by[reason].allowed, false, reason);
    assert.match(e.by[reason].why, /没有有效会籍/);
  }
  expectError(await file(w.client, { reason: 'laid_off' }, { consentId: earlier }), 409, 'not_eligible');
  expectError(await file(w.client, { reason: 'labor_change', ...unitData(unitB) }, { consentId: earlier }), 409, 'not_eligible');
});

// ---- back to active -----------------------------------------------------------------------

test('a retained or laid-off member returns to active: 劳动关系发生变化 or 转入单位未建会', async () => {
  // 保留会籍（失业） → 劳动（工作）关系发生变化 → active at the new unit's union
  const a = await memberIn('retained_unemployed');
  let r = await change(a, { reason: 'labor_change', ...unitData(unitC) }, await unionOf(unitC), [await unionOf(unitA)]);
  assert.equal(r.m.membership.status, 'active');
  assert.equal(r.m.membership.org.name, unitC.union.name);
  assert.equal(r.m.membership.member_no, a.memberNo);
  assert.deepEqual(r.m.membership.events.map((x) => x.status), ['active', 'retained_unemployed', 'active']);
  // 保留会籍（退休） → 转入单位未建会 → active, held by the street union of 转入单位所在地
  const b = await memberIn('retained_retired');
  r = await change(b, { reason: 'no_union_unit', ...unitData(plainM) }, await streetOf(plainM), [await unionOf(unitA)]);
  assert.equal(r.m.membership.status, 'active');
  assert.equal(r.m.membership.org.name, (await streetOf(plainM)).org.name);
  assert.equal(r.m.membership.member_no, b.memberNo);
  // 保留会籍（破产）, held by the old unit's street union → 劳动关系发生变化 back to a union
  const c = await memberIn('retained_bankrupt');
  r = await change(c, { reason: 'labor_change', ...unitData(unitB) }, await unionOf(unitB), [await streetOf(unitA)]);
  assert.equal(r.m.membership.status, 'active');
  assert.equal(r.m.membership.org.name, unitB.union.name);
  // 下岗待岗 → 劳动关系发生变化
  const d = await memberIn('laid_off');
  r = await change(d, { reason: 'labor_change', ...unitData(unitB) }, await unionOf(unitB));
  assert.equal(r.m.membership.status, 'active');
  assert.equal(r.m.membership.status_label, '会员');
  assert.equal(r.m.membership.member_no, d.memberNo);
});

// ---- 转入单位 ------------------------------------------------------------------------------

test('转入单位 rules: a union for 劳动关系发生变化 and not the current one; none for 转入单位未建会', async () => {
  const w = await member(unitA);
  for (const submit of [true, false]) {
    let r = await file(w.client, { reason: 'labor_change', ...unitData(plainN) }, { submit });
    expectError(r, 400, 'invalid_field', 'data.unit_id', 'labor_change to a unit without a union');
    assert.match(r.body.error.message, /未建会/);
    r = await file(w.client, { reason: 'labor_change', ...unitData(unitA) }, { submit });
    expectError(r, 400, 'invalid_field', 'data.unit_id', 'labor_change to the current union');
    assert.match(r.body.error.message, /相同/);
    r = await file(w.client, { reason: 'no_union_unit', ...unitData(unitB) }, { submit });
    expectError(r, 400, 'invalid_field', 'data.unit_id', 'no_union_unit to a unionised unit');
    assert.match(r.body.error.message, /已建会/);
    r = await file(w.client, { reason: 'labor_change', ...unitData(unitB), unit_id: 99999999 }, { submit });
    expectError(r, 400, 'invalid_field', 'data.unit_id', 'a unit that does not exist');
    r = await file(w.client, { reason: 'labor_change', ...unitData(unitB), unit_district: unitB.street.code }, { submit });
    expectError(r, 400, 'invalid_field', 'data.unit_district', 'a street as district');
    r = await file(w.client, { reason: 'labor_change', ...unitData(unitB), unit_district: '350200' }, { submit });
    expectError(r, 400, 'invalid_field', 'data.unit_district', 'the city as district');
    const other = plainUnits.find((u) => u.district.code !== unitB.district.code);
    r = await file(w.client, { reason: 'labor_change', ...unitData(unitB), unit_street: other.street.code }, { submit });
    expectError(r, 400, 'invalid_field', 'data.unit_street', 'a street of another district');
  }
  const a = await w.client.get('/api/v1/affairs?tab=all');
  assert.equal(a.body.counts.all, 1, 'only the join application exists');
});

test('a reason without 转入单位 drops the unit fields (and unknown ones); missing ones on submit → 422 naming them', async () => {
  const w = await member(unitA);
  // Unit fields are dropped for a reason without a unit, even when they would be wrong.
  let r = await file(w.client, { reason: 'laid_off', ...unitData(plainN), extra: 'x', note: 1 }, { submit: false });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.body.application.data, { reason: 'laid_off' });
  assert.equal(r.body.application.display.unit, null);
  assert.equal(r.body.application.display.unit_street_name, '');
  // Editing the draft into 劳动关系发生变化 without a unit: 422 naming the three fields.
  const id = r.body.application.id;
  r = await put(w.client, id, { data: { reason: 'labor_change' }, submit: true, version: r.body.application.version });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.body.error.code, 'incomplete');
  assert.deepEqual(r.body.error.fields, ['unit_id', 'unit_district', 'unit_street']);
  assert.equal(r.body.error.message, '请填写：转入单位、转入单位所在区、转入单位所在镇街');
  // Only what is missing is named.
  let cur = (await w.client.get(`/api/v1/applications/${id}`)).body.application;
  r = await put(w.client, id, { data: { reason: 'no_union_unit', unit_id: plainN.id }, submit: true, version: cur.version });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.body.error.fields, ['unit_district', 'unit_street']);
  assert.equal(r.body.error.message, '请填写：转入单位所在区、转入单位所在镇街');
  r = await put(w.client, id, { data: { reason: '', unit_id: plainN.id }, submit: true, version: cur.version });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.body.error.fields, ['reason']);
  assert.equal(r.body.error.message, '请填写：变更原因');
  // A draft without a reason is fine; submitting it is not.
  cur = (await w.client.get(`/api/v1/applications/${id}`)).body.application;
  assert.equal(cur.status, 'draft', 'refused submits leave the draft as it was');
  assert.deepEqual(cur.data, { reason: 'laid_off' });
  r = await put(w.client, id, { data: {}, submit: false, version: cur.version });
  assert.equal(r.status, 200, r.text);
  r = await put(w.client, id, { submit: true, version: r.body.application.version });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.body.error.fields, ['reason']);
  // A full 转入单位未建会 form goes through; the draft's unit fields survive for it.
  cur = (await w.client.get(`/api/v1/applications/${id}`)).body.application;
  r = await put(w.client, id, { data: { reason: 'no_union_unit', ...unitData(plainN) }, submit: true, version: cur.version });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.application.status, 'submitted');
  assert.equal(r.body.application.org.name, (await streetOf(plainN)).org.name);
  assert.deepEqual(r.body.application.data, { reason: 'no_union_unit', ...unitData(plainN) });
  // Submitting with no data at all: 422 naming the reason only.
  const w2 = await member(unitA);
  r = await file(w2.client, {});
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.body.error.fields, ['reason']);
});

test('returned for correction: the worker picks another unit and the application goes to that union', async () => {
  const w = await member(unitA);
  const sB = await unionOf(unitB), sC = await unionOf(unitC);
  const app = await submitted(w.client, { reason: 'labor_change', ...unitData(unitB) });
  let d = await sB.get(`/api/v1/admin/applications/${app.id}`);
  let r = await sB.post(`/api/v1/admin/applications/${app.id}/return`, { version: d.body.application.version, reason: '转入单位选择有误' });
  assert.equal(r.status, 200, r.text);
  const cur = (await w.client.get(`/api/v1/applications/${app.id}`)).body.application;
  assert.equal(cur.status, 'returned');
  r = await put(w.client, app.id, { data: { reason: 'labor_change', ...unitData(unitC) }, submit: true, version: cur.version });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.application.org.name, unitC.union.name);
  await notVisibleTo(sB, r.body.application);
  await approve(sC, r.body.application);
  const m = await membership(w.client);
  assert.equal(m.membership.org.name, unitC.union.name);
  assert.equal(m.membership.member_no, w.memberNo);
});

// ---- one change at a time -----------------------------------------------------------------

test('no other change in progress: a draft, a submitted or an accepted one blocks a second at the check and at submit', async () => {
  const w = await member(unitA);
  const spare = await consent(w.client); // taken before, never used
  const r0 = await file(w.client, { reason: 'retired' }, { submit: false });
  assert.equal(r0.status, 201, r0.text);
  const first = r0.body.application;
  const blocked = async (status) => {
    const e = await eligibility(w.client);
    assert.equal(e.eligible, false, status);
    assert.equal(e.cond.no_open_application.passed, false);
    assert.match(e.cond.no_open_application.reason, /已有一份会籍变更申请/);
    assert.deepEqual(e.open_application, { id: first.id, ref: first.ref, status });
    assert.equal(e.cond.member.passed, true);
    const c = await w.client.post('/api/v1/transfer/consent', { version: '2026-11' });
    expectError(c, 409, 'not_eligible', undefined, status);
    assert.match(c.body.error.message, /已有一份会籍变更申请/);
    for (const submit of [true, false]) {
      expectError(await file(w.client, { reason: 'laid_off' }, { consentId: spare, submit }), 409, 'not_eligible', undefined, status);
    }
  };
  await blocked('draft');
  let r = await put(w.client, first.id, { submit: true, version: first.version });
  assert.equal(r.status, 200, r.text);
  await blocked('submitted');
  const s = await unionOf(unitA);
  r = await s.post(`/api/v1/admin/applications/${first.id}/accept`, { version: r.body.application.version });
  assert.equal(r.status, 200, r.text);
  await blocked('processing');
  // Rejected, it is no longer in progress: a new change may start.
  r = await s.post(`/api/v1/admin/applications/${first.id}/reject`, { version: r.body.application.version, reason: '材料不实' });
  assert.equal(r.status, 200, r.text);
  const e = await eligibility(w.client);
  assert.equal(e.eligible, true);
  assert.equal(e.open_application, null);
  assert.equal((await membership(w.client)).membership.status, 'active', 'a rejection changes nothing');
  const again = await file(w.client, { reason: 'laid_off' }, { consentId: spare });
  assert.equal(again.status, 201, again.text);
  // Only one of two concurrent submits with different request ids is filed.
  const w2 = await member(unitA);
  const [c1, c2] = [await consent(w2.client), await consent(w2.client)];
  const rs = await Promise.all([file(w2.client, { reason: 'retired' }, { consentId: c1 }), file(w2.client, { reason: 'military' }, { consentId: c2 })]);
  assert.deepEqual(rs.map((x) => x.status).sort(), [201, 409], rs.map((x) => x.text).join(' | '));
  const a = await w2.client.get('/api/v1/affairs?tab=processing');
  assert.equal(a.body.total, 1);
});

test('a retried submit with the same request id files once', async () => {
  const w = await member(unitA);
  const consent_id = await consent(w.client);
  const body = { kind: 'transfer', consent_id, request_id: randomUUID(), data: { reason: 'unemployed' }, submit: true };
  const a = await w.client.post('/api/v1/applications', body);
  const b = await w.client.post('/api/v1/applications', body);
  assert.equal(a.status, 201, a.text);
  assert.equal(b.status, 200, b.text);
  assert.equal(b.body.application.id, a.body.application.id);
  assert.equal((await w.client.get('/api/v1/affairs?tab=all')).body.counts.all, 2);
});

// ---- authorisation and hostile input ------------------------------------------------------

test('another worker\'s change application answers 404 for every action; staff do not use worker endpoints', async () => {
  const owner = await member(unitA);
  const other = await member(unitA);
  const draft = (await file(owner.client, { reason: 'retired' }, { submit: false })).body.application;
  for (const [m, p, body] of [
    ['GET', `/api/v1/applications/${draft.id}`],
    ['PUT', `/api/v1/applications/${draft.id}`, { data: { reason: 'withdraw' }, submit: true, version: draft.version }],
    ['POST', `/api/v1/applications/${draft.id}/withdraw`, { version: draft.version }],
    ['DELETE', `/api/v1/applications/${draft.id}`],
  ]) expectError(await other.client.request(m, p, body), 404, 'not_found', undefined, `${m} ${p}`);
  const still = (await owner.client.get(`/api/v1/applications/${draft.id}`)).body.application;
  assert.equal(still.status, 'draft');
  assert.deepEqual(still.data, { reason: 'retired' });
  assert.equal(still.version, draft.version);
  // A draft is not in any reviewer's scope.
  const s = await unionOf(unitA);
  expectError(await s.get(`/api/v1/admin/applications/${draft.id}`), 404, 'not_found');
  // A staff session is not a worker session.
  for (const [m, p] of [['GET', '/api/v1/transfer/eligibility'], ['POST', '/api/v1/transfer/consent']]) {
    const r = await s.request(m, p, m === 'GET' ? undefined : { version: '2026-11' });
    assert.equal(r.status, 401, `${m} ${p}: ${r.text}`);
    assertErrorShape(r);
  }
});

test('hostile input: wrong types and odd values are refused with the field, nothing filed', async () => {
  const w = await member(unitA);
  const cases = [
    [{ reason: 7 }, 'data.reason'],
    [{ reason: true }, 'data.reason'],
    [{ reason: ['laid_off'] }, 'data.reason'],
    [{ reason: { key: 'laid_off' } }, 'data.reason'],
    [{ reason: 'LAID_OFF' }, 'data.reason'],
    [{ reason: 'laid_off ' }, 'data.reason'],
    [{ reason: '劳动（工作）关系发生变化' }, 'data.reason'],
    [{ reason: 'x'.repeat(5000) }, 'data.reason'],
    [{ reason: 'labor_change', ...unitData(unitB), unit_id: String(unitB.id) }, 'data.unit_id'],
    [{ reason: 'labor_change', ...unitData(unitB), unit_id: unitB.id + 0.5 }, 'data.unit_id'],
    [{ reason: 'labor_change', ...unitData(unitB), unit_id: -unitB.id }, 'data.unit_id'],
    [{ reason: 'labor_change', ...unitData(unitB), unit_id: 0 }, 'data.unit_id'],
    [{ reason: 'labor_change', ...unitData(unitB), unit_id: 2 ** 62 }, 'data.unit_id'],
    [{ reason: 'labor_change', ...unitData(unitB), unit_id: [unitB.id] }, 'data.unit_id'],
    [{ reason: 'labor_change', ...unitData(unitB), unit_district: Number(unitB.district.code) }, 'data.unit_district'],
    [{ reason: 'labor_change', ...unitData(unitB), unit_district: "350203' OR '1'='1" }, 'data.unit_district'],
    [{ reason: 'labor_change', ...unitData(unitB), unit_street: [unitB.street.code] }, 'data.unit_street'],
    [{ reason: 'no_union_unit', ...unitData(plainN), unit_street: '999999999' }, 'data.unit_street'],
    // the unit fields are checked as for joining even before a reason is chosen
    [{ unit_id: 'abc' }, 'data.unit_id'],
    [{ unit_id: { id: 1 } }, 'data.unit_id'],
    [{ unit_district: 350203 }, 'data.unit_district'],
  ];
  for (const [data, field] of cases) {
    for (const submit of [false, true]) {
      expectError(await file(w.client, data, { submit }), 400, 'invalid_field', field, `${JSON.stringify(data).slice(0, 80)} submit=${submit}`);
    }
  }
  // A NUL inside a string is refused by the JSON layer, before any field.
  const nul = await file(w.client, { reason: 'laid_off\u0000x' });
  expectError(nul, 400, 'invalid_json');
  const c = await consent(w.client);
  for (const data of [[], 'laid_off', 5]) {
    expectError(await w.client.post('/api/v1/applications', { kind: 'transfer', consent_id: c, request_id: randomUUID(), data, submit: true }), 400, 'invalid_field', 'data');
  }
  expectError(await w.client.post('/api/v1/applications', { kind: 'transfer', consent_id: String(c), request_id: randomUUID(), data: { reason: 'retired' }, submit: true }), 400, 'consent_required', 'consent_id');
  expectError(await w.client.post('/api/v1/applications', { kind: 'transfer', consent_id: c, request_id: 'short', data: { reason: 'retired' }, submit: true }), 400, 'invalid_field', 'request_id');
  expectError(await w.client.post('/api/v1/applications', { kind: 'transfers', consent_id: c, request_id: randomUUID(), data: { reason: 'retired' }, submit: true }), 400, 'invalid_field', 'kind');
  const bad = await w.client.post('/api/v1/applications', { kind: 'transfer', consent_id: c, request_id: randomUUID(), data: { reason: 'retired' }, submit: 'yes' });
  assert.equal(bad.status, 400, bad.text);
  assertErrorShape(bad);
  // Another worker's consent is not usable.
  const other = await member(unitA);
  const theirs = await consent(other.client);
  expectError(await file(w.client, { reason: 'retired' }, { consentId: theirs }), 400, 'consent_required', 'consent_id');
  // Nothing was filed; the membership is untouched.
  assert.equal((await w.client.get('/api/v1/affairs?tab=all')).body.counts.all, 1);
  assert.equal((await membership(w.client)).membership.status, 'active');
  // A reviewer's decision needs the version and a reason where one is required.
  const app = await submitted(w.client, { reason: 'retired' });
  const s = await unionOf(unitA);
  expectError(await s.post(`/api/v1/admin/applications/${app.id}/approve`, { version: String(app.version) }), 400, 'required', 'version');
  expectError(await s.post(`/api/v1/admin/applications/${app.id}/reject`, { version: app.version }), 400, 'required', 'reason');
  expectError(await s.post(`/api/v1/admin/applications/${app.id}/approve`, { version: app.version + 5 }), 409, 'conflict');
  assert.equal((await membership(w.client)).membership.status, 'active');
});
