// 网上入会 (joining, SPEC §4): 条件检查 (each condition), the 入会申请书 and its consent, the
// form (暂存 with format checks only, 提交 with everything), routing to the reviewing union,
// idempotent submit, and the membership that approval creates.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer } from '../lib/server.mjs';
import { Client, staffClient } from '../lib/client.mjs';
import { addStaff, assertErrorShape, expectError, freshId, freshPhone, register } from './helpers.mjs';

let srv;
let unionUnit; // 中国建设银行股份有限公司厦门分行, has a union
let plainUnit; // a demo unit without a union
let regions; // GET /api/v1/regions
let options; // GET /api/v1/join/options

// Every worker comes from its own client address (through a trusted proxy), so the
// per-address SMS caps of registration never bite however many workers a test makes.
let addr = 0;
async function worker(opts = {}) {
  addr++;
  const client = new Client(srv.url);
  client.headers['X-Forwarded-For'] = `10.20.${addr >> 8}.${addr & 255}`;
  const idNumber = freshId(opts.birth ? { birth: opts.birth } : {});
  return register(srv, { client, idNumber, name: opts.name || '李入会' });
}

async function staff(role, org, name = '王审核') {
  const phone = freshPhone('15');
  const r = addStaff(srv, { role, phone, name, org });
  assert.equal(r.status, 0, 'user add: ' + r.stderr);
  const { client: c, response: l } = await staffClient(srv, { phone, password: 'Passw0rdXyz1' });
  assert.equal(l.status, 200, l.text);
  c.staff = l.body.staff;
  return c;
}

const put = (c, id, body) => c.request('PUT', `/api/v1/applications/${id}`, body);

async function consent(c) {
  const r = await c.post('/api/v1/join/consent', { version: '2026-11' });
  assert.equal(r.status, 201, 'consent: ' + r.text);
  assert.ok(Number.isInteger(r.body.consent_id));
  return r.body.consent_id;
}

async function create(c, { data = {}, submit = false, consentId, requestId = randomUUID() } = {}) {
  const consent_id = consentId ?? (await consent(c));
  return c.post('/api/v1/applications', { kind: 'join', consent_id, request_id: requestId, data, submit });
}

function fullData(u = unionUnit, extra = {}) {
  return {
    residence: '厦门市思明区湖滨南路100号', employment: 'unit', unit_id: u.id,
    work_district: u.district.code, work_street: u.street.code,
    ethnicity: '汉族', education: options.educations[0], political_status: options.political_statuses[0],
    position: '柜员', ...extra,
  };
}

async function counts(c) {
  const r = await c.get('/api/v1/affairs?tab=all');
  assert.equal(r.status, 200, r.text);
  return r.body.counts;
}

async function eligibility(c) {
  const r = await c.get('/api/v1/join/eligibility');
  assert.equal(r.status, 200, r.text);
  const by = Object.fromEntries(r.body.conditions.map((x) => [x.key, x]));
  return { ...r.body, by };
}

before(async () => {
  srv = await startServer({ env: { GONGHUI_TRUSTED_PROXIES: '127.0.0.1/32' } });
  const w = await worker();
  let r = await w.client.get('/api/v1/units?q=' + encodeURIComponent('中国建设银行股份有限公司厦门分行'));
  assert.equal(r.status, 200, r.text);
  unionUnit = r.body.items.find((u) => u.name === '中国建设银行股份有限公司厦门分行');
  assert.ok(unionUnit?.has_union && unionUnit.union?.code, 'the demo data has 建设银行 with a union');
  r = await w.client.get('/api/v1/units?q=' + encodeURIComponent('厦门') + '&page_size=50');
  plainUnit = r.body.items.find((u) => !u.has_union);
  assert.ok(plainUnit, 'the demo data has a unit without a union');
  regions = (await w.client.get('/api/v1/regions')).body;
  options = (await w.client.get('/api/v1/join/options')).body;
});
after(async () => { await srv?.stop(); });

function streetName(code) {
  for (const d of regions.districts) for (const s of d.streets) if (s.code === code) return s.name;
  return null;
}

test('agreement and options: the 入会申请书 with its version, 56 民族, 学历 and 政治面貌 lists', async () => {
  const c = new Client(srv.url);
  let r = await c.get('/api/v1/join/agreement');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.version, '2026-11');
  assert.equal(r.body.title, '中华全国总工会入会申请书');
  for (const words of ['自愿', '章程', '会费']) assert.ok(r.body.text.includes(words), words);
  r = await c.get('/api/v1/join/options');
  assert.equal(r.status, 200);
  assert.equal(r.body.ethnicities.length, 56);
  assert.equal(new Set(r.body.ethnicities).size, 56);
  assert.ok(r.body.ethnicities.includes('汉族') && r.body.ethnicities.includes('回族'));
  assert.ok(r.body.educations.length > 0 && r.body.political_statuses.length > 0);
});

test('worker endpoints of joining need a worker session', async () => {
  const anon = new Client(srv.url);
  for (const [m, p] of [['GET', '/api/v1/join/eligibility'], ['POST', '/api/v1/join/consent'], ['GET', '/api/v1/membership'],
    ['POST', '/api/v1/applications'], ['GET', '/api/v1/affairs'], ['GET', '/api/v1/applications/1']]) {
    const r = await anon.request(m, p, m === 'GET' ? undefined : { version: '2026-11' });
    expectError(r, 401, 'unauthenticated', undefined, `${m} ${p}`);
  }
});

test('a new worker is eligible: four conditions, each passed with a reason', async () => {
  const w = await worker();
  const e = await eligibility(w.client);
  assert.equal(e.eligible, true);
  assert.deepEqual(e.conditions.map((x) => x.key), ['profile', 'age', 'not_member', 'no_open_application']);
  for (const x of e.conditions) {
    assert.equal(x.passed, true, x.key);
    assert.match(x.label, /[\u4e00-\u9fff]/);
    assert.match(x.reason, /[\u4e00-\u9fff]/);
  }
  assert.equal(e.open_application, null);
  const s = await w.client.get('/api/v1/session');
  assert.equal(s.body.user.is_member, false);
  assert.equal(s.body.user.join_open, null);
  const m = await w.client.get('/api/v1/membership');
  assert.equal(m.status, 200);
  assert.deepEqual(m.body, { membership: null, history: [] });
});

test('consent: the current version only; an outdated one is refused with field version', async () => {
  const w = await worker();
  expectError(await w.client.post('/api/v1/join/consent', { version: '2020-01' }), 400, 'invalid_field', 'version');
  expectError(await w.client.post('/api/v1/join/consent', {}), 400, 'required', 'version');
  expectError(await w.client.post('/api/v1/join/consent', { version: 202611 }), 400, 'invalid_field', 'version');
  const a = await consent(w.client);
  const b = await consent(w.client);
  assert.notEqual(a, b, 'each 同意 is its own record');
});

test('no consent, a foreign consent, a missing one or a used one: 400 consent_required, nothing filed', async () => {
  const a = await worker();
  const b = await worker();
  const bConsent = await consent(b.client);
  const mine = await consent(a.client);
  const tries = [
    { label: 'none', consent_id: undefined },
    { label: 'null', consent_id: null },
    { label: 'string', consent_id: String(mine) },
    { label: 'float', consent_id: mine + 0.5 },
    { label: 'someone else\'s', consent_id: bConsent },
    { label: 'missing', consent_id: 987654321 },
    { label: 'zero', consent_id: 0 },
  ];
  for (const t of tries) {
    const r = await a.client.post('/api/v1/applications', { kind: 'join', consent_id: t.consent_id, request_id: randomUUID(), data: fullData(), submit: true });
    expectError(r, 400, 'consent_required', 'consent_id', t.label);
  }
  // A consent to the 入会申请书 does not open another kind of application (会籍变更).
  let r = await a.client.post('/api/v1/applications', { kind: 'transfer', consent_id: mine, request_id: randomUUID(), data: {} });
  expectError(r, 400, 'consent_required', 'consent_id', 'join consent for a transfer');
  assert.equal((await counts(a.client)).all, 0, 'nothing was written');
  // A consent serves one application: after it filed a draft it cannot file another.
  r = await create(a.client, { consentId: mine, data: { residence: '厦门' } });
  assert.equal(r.status, 201, r.text);
  r = await create(a.client, { consentId: mine, data: { residence: '厦门' } });
  expectError(r, 400, 'consent_required', 'consent_id', 'a used consent');
  // b's consent is still b's: b files with it.
  r = await create(b.client, { consentId: bConsent, data: { residence: '厦门' } });
  assert.equal(r.status, 201, r.text);
  assert.equal((await counts(a.client)).all, 1);
});

test('暂存 with partial data: a draft listed in 我的待办, an open join application at the check, consent and submit', async () => {
  const w = await worker();
  const spare = await consent(w.client); // taken while still eligible
  let r = await create(w.client, { data: { residence: '厦门市湖里区', employment: 'unit', unknown_field: 'x' } });
  assert.equal(r.status, 201, r.text);
  const app = r.body.application;
  assert.equal(app.status, 'draft');
  assert.equal(app.status_label, '暂存');
  assert.equal(app.kind, 'join');
  assert.equal(app.kind_label, '网上入会申请');
  assert.equal(app.org, null, 'a draft has no reviewing union yet');
  assert.equal(app.submitted_at, null);
  assert.equal(app.reason, null);
  assert.ok(!('next_steps' in app), 'next steps come with 提交 only');
  assert.deepEqual(app.data, { residence: '厦门市湖里区', employment: 'unit' }, 'unknown fields are not stored');
  assert.deepEqual([...app.actions].sort(), ['delete', 'edit', 'submit']);
  assert.equal(app.timeline.length, 1);
  assert.equal(app.timeline[0].actor, '本人');
  assert.ok(Number.isInteger(app.version));
  assert.equal(app.display.unit, null);
  // 性别 and 出生日期 are derived from the ID number and shown on the form.
  assert.equal(app.display.gender, Number(w.idNumber[16]) % 2 ? '男' : '女');
  assert.equal(app.display.birth_date, `${w.idNumber.slice(6, 10)}-${w.idNumber.slice(10, 12)}-${w.idNumber.slice(12, 14)}`);

  r = await w.client.get('/api/v1/affairs?tab=todo');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.counts, { todo: 1, processing: 0, completed: 0, rejected: 0, all: 1 });
  assert.equal(r.body.items.length, 1);
  assert.equal(r.body.items[0].id, app.id);
  assert.equal(r.body.items[0].status, 'draft');
  assert.equal((await w.client.get('/api/v1/affairs?tab=processing')).body.items.length, 0);

  // The check now fails on no_open_application and names the open one.
  const e = await eligibility(w.client);
  assert.equal(e.eligible, false);
  assert.equal(e.by.no_open_application.passed, false);
  assert.equal(e.by.profile.passed && e.by.age.passed && e.by.not_member.passed, true);
  assert.deepEqual(e.open_application, { id: app.id, ref: app.ref, status: 'draft' });
  const s = await w.client.get('/api/v1/session');
  assert.deepEqual(s.body.user.join_open, { id: app.id, ref: app.ref, status: 'draft' });
  // ... consent is refused ...
  expectError(await w.client.post('/api/v1/join/consent', { version: '2026-11' }), 409, 'not_eligible');
  // ... and so is a second application with a fresh request id and a usable consent.
  r = await create(w.client, { consentId: spare, data: fullData(), submit: true });
  expectError(r, 409, 'not_eligible', undefined, 'second join');
  r = await create(w.client, { consentId: spare, data: {}, submit: false });
  expectError(r, 409, 'not_eligible', undefined, 'second draft');
  assert.equal((await counts(w.client)).all, 1, 'still one application');

  // The draft reopens and is submitted with PUT.
  r = await w.client.get(`/api/v1/applications/${app.id}`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.application.data, app.data);
  r = await put(w.client, app.id, { data: fullData(), submit: true, version: app.version });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.application.status, 'submitted');
  assert.match(r.body.application.ref, /^RH\d{16}$/);
  assert.equal(r.body.application.ref, app.ref, 'the reference number stays');
  assert.equal(r.body.application.org.name, unionUnit.union.name);
});

test('bad formats are refused even in a draft, each with its field; nothing is written', async () => {
  const w = await worker();
  const long = (n) => '路'.repeat(n);
  const cases = [
    [{ residence: long(101) }, 'data.residence'],
    [{ residence: '厦门\u0001市' }, 'data.residence'],
    [{ residence: 12 }, 'data.residence'],
    [{ employment: 'maybe' }, 'data.employment'],
    [{ employment: true }, 'data.employment'],
    [{ unit_id: 99999999 }, 'data.unit_id'],
    [{ unit_id: String(unionUnit.id) }, 'data.unit_id'],
    [{ unit_id: 0 }, 'data.unit_id'],
    [{ unit_id: -1 }, 'data.unit_id'],
    [{ unit_id: 1.5 }, 'data.unit_id'],
    [{ work_district: '350299' }, 'data.work_district'],
    [{ work_district: '350200' }, 'data.work_district'],
    [{ work_district: '350203001' }, 'data.work_district'],
    [{ work_district: 350203 }, 'data.work_district'],
    [{ work_district: '350203', work_street: '350211004' }, 'data.work_street'],
    [{ work_district: '350203', work_street: '350203' }, 'data.work_street'],
    [{ work_district: '350203', work_street: '350203999' }, 'data.work_street'],
    [{ ethnicity: '火星族' }, 'data.ethnicity'],
    [{ ethnicity: ['汉族'] }, 'data.ethnicity'],
    [{ education: '宇宙学位' }, 'data.education'],
    [{ political_status: '无政府' }, 'data.political_status'],
    [{ position: long(51) }, 'data.position'],
    [{ position: { a: 1 } }, 'data.position'],
  ];
  const cid = await consent(w.client);
  for (const [data, field] of cases) {
    const r = await create(w.client, { consentId: cid, data, submit: false });
    expectError(r, 400, 'invalid_field', field, JSON.stringify(data));
  }
  for (const data of ['residence', 42, ['a'], null]) {
    const r = await create(w.client, { consentId: cid, data, submit: false });
    expectError(r, 400, 'invalid_field', 'data', JSON.stringify(data));
  }
  assert.equal((await counts(w.client)).all, 0, 'no draft was written');
  // The limits themselves are fine.
  const r = await create(w.client, { consentId: cid, data: { residence: long(100), position: long(50), work_street: plainUnit.street.code } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.application.data.residence, long(100));
});

test('提交 with missing fields: 422 incomplete naming them; nothing is filed', async () => {
  const w = await worker();
  const cid = await consent(w.client);
  let r = await create(w.client, { consentId: cid, data: { employment: 'unit' }, submit: true });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.body.error.code, 'incomplete');
  assert.deepEqual(r.body.error.fields, ['residence', 'unit_id', 'work_district', 'work_street']);
  assert.match(r.body.error.message, /^请填写：/);
  for (const label of ['现居住地', '工作单位']) assert.ok(r.body.error.message.includes(label), label);
  r = await create(w.client, { consentId: cid, data: {}, submit: true });
  assert.equal(r.status, 422);
  assert.deepEqual(r.body.error.fields, ['residence', 'employment', 'work_district', 'work_street']);
  r = await create(w.client, { consentId: cid, data: { ...fullData(), residence: '' }, submit: true });
  assert.equal(r.status, 422);
  assert.deepEqual(r.body.error.fields, ['residence']);
  r = await create(w.client, { consentId: cid, data: { ...fullData(), employment: 'none', work_street: null }, submit: true });
  assert.equal(r.status, 422);
  assert.deepEqual(r.body.error.fields, ['work_street']);
  assert.equal((await counts(w.client)).all, 0);
  // A draft with missing fields is fine; submitting it with PUT names the fields too.
  r = await create(w.client, { consentId: cid, data: { residence: '厦门' } });
  assert.equal(r.status, 201);
  const app = r.body.application;
  r = await put(w.client, app.id, { submit: true, version: app.version });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.body.error.fields, ['employment', 'work_district', 'work_street']);
  r = await w.client.get(`/api/v1/applications/${app.id}`);
  assert.equal(r.body.application.status, 'draft');
  assert.equal(r.body.application.version, app.version, 'a refused submit writes nothing');
});

test('提交 of a unit with a union: 已递交, RH reference, next steps, routed to the unit\'s union', async () => {
  const w = await worker();
  const r = await create(w.client, { data: fullData(), submit: true });
  assert.equal(r.status, 201, r.text);
  const a = r.body.application;
  assert.equal(a.status, 'submitted');
  assert.equal(a.status_label, '已递交');
  assert.match(a.ref, /^RH\d{16}$/);
  assert.equal(typeof a.next_steps, 'string');
  assert.match(a.next_steps, /审核/);
  assert.match(a.next_steps, /短信/);
  assert.equal(a.org.name, unionUnit.union.name);
  assert.ok(Number.isInteger(a.org.id));
  assert.match(a.submitted_at, /^\d{4}-\d\d-\d\dT/);
  assert.equal(a.display.unit.id, unionUnit.id);
  assert.equal(a.display.unit.name, unionUnit.name);
  assert.equal(a.display.work_district_name, unionUnit.district.name);
  assert.equal(a.display.work_street_name, unionUnit.street.name);
  assert.deepEqual(a.actions, ['withdraw']);
  assert.deepEqual(a.timeline.map((t) => t.action), ['save', 'submit']);
  assert.equal(a.timeline[1].label, '提交申请');
  const l = await w.client.get('/api/v1/affairs?tab=processing');
  assert.equal(l.body.items.length, 1);
  assert.equal(l.body.items[0].ref, a.ref);
  assert.deepEqual(l.body.counts, { todo: 0, processing: 1, completed: 0, rejected: 0, all: 1 });
});

test('routing without a union: a unit without one, or no fixed unit, goes to the street union of 工作单位所在地', async () => {
  const w1 = await worker();
  let r = await create(w1.client, { data: fullData(plainUnit), submit: true });
  assert.equal(r.status, 201, r.text);
  const street = streetName(plainUnit.street.code);
  assert.ok(street);
  assert.notEqual(r.body.application.org, null);
  assert.ok(r.body.application.org.name.startsWith(street), `${r.body.application.org.name} is the union of ${street}`);
  assert.equal(r.body.application.display.unit.id, plainUnit.id);

  const w2 = await worker();
  const d = regions.districts.find((x) => x.code === '350203');
  const s = d.streets[d.streets.length - 1];
  r = await create(w2.client, {
    data: { residence: '厦门市', employment: 'none', unit_id: unionUnit.id, work_district: d.code, work_street: s.code },
    submit: true,
  });
  assert.equal(r.status, 201, r.text);
  const a = r.body.application;
  assert.ok(a.org.name.startsWith(s.name), `${a.org.name} is the union of ${s.name}`);
  assert.ok(!('unit_id' in a.data), 'no fixed unit: the unit is dropped');
  assert.equal(a.display.unit, null);
  assert.equal(a.display.work_street_name, s.name);

  // A zone (园区/农场) counts as a 镇街 of its district.
  const w3 = await worker();
  const zd = regions.districts.find((x) => x.streets.some((y) => y.kind !== 'street' && y.kind !== 'town'));
  if (zd) {
    const z = zd.streets.find((y) => y.kind !== 'street' && y.kind !== 'town');
    r = await create(w3.client, { data: { residence: '厦门', employment: 'none', work_district: zd.code, work_street: z.code }, submit: true });
    assert.equal(r.status, 201, r.text);
    assert.ok(r.body.application.org.name.startsWith(z.name), r.body.application.org.name);
  }
});

test('idempotent submit: the same request_id again answers with the same application', async () => {
  const w = await worker();
  const cid = await consent(w.client);
  const rid = randomUUID();
  const first = await create(w.client, { consentId: cid, requestId: rid, data: fullData(), submit: true });
  assert.equal(first.status, 201, first.text);
  const again = await create(w.client, { consentId: cid, requestId: rid, data: fullData(plainUnit), submit: true });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.body.application.id, first.body.application.id);
  assert.equal(again.body.application.ref, first.body.application.ref);
  assert.equal(again.body.application.data.unit_id, unionUnit.id, 'a retry changes nothing');
  assert.equal(again.body.application.version, first.body.application.version);
  assert.equal((await counts(w.client)).all, 1);
  // request_id format
  for (const bad of ['short', 'x'.repeat(65), 'has space in it', '../../etc/passwd', '请求编号请求编号请求']) {
    expectError(await create(w.client, { consentId: cid, requestId: bad, data: {} }), 400, 'invalid_field', 'request_id', bad);
  }
  expectError(await w.client.post('/api/v1/applications', { kind: 'join', consent_id: cid, data: {} }), 400, 'required', 'request_id');
  for (const kind of ['subsidy', 'JOIN', 'join ']) {
    expectError(await w.client.post('/api/v1/applications', { kind, consent_id: cid, request_id: randomUUID() }), 400, 'invalid_field', 'kind', kind);
  }
  expectError(await w.client.post('/api/v1/applications', { kind: 1, consent_id: cid, request_id: randomUUID() }), 400, 'invalid_field', 'kind');
  expectError(await w.client.post('/api/v1/applications', { consent_id: cid, request_id: randomUUID() }), 400, 'required', 'kind');
  assert.equal((await counts(w.client)).all, 1);
});

test('idempotent submit under concurrency: five identical submits at once file one application', async () => {
  for (const submit of [true, false]) {
    const w = await worker();
    const cid = await consent(w.client);
    const rid = randomUUID();
    const body = { kind: 'join', consent_id: cid, request_id: rid, data: fullData(), submit };
    const rs = await Promise.all(Array.from({ length: 5 }, () => w.client.post('/api/v1/applications', body)));
    for (const r of rs) assert.ok(r.status === 201 || r.status === 200, `${r.status} ${r.text}`);
    assert.equal(rs.filter((r) => r.status === 201).length, 1, 'exactly one created');
    assert.equal(new Set(rs.map((r) => r.body.application.id)).size, 1, 'the same application to all');
    const c = await counts(w.client);
    assert.equal(c.all, 1);
    const r = await w.client.get(`/api/v1/applications/${rs[0].body.application.id}`);
    assert.equal(r.body.application.status, submit ? 'submitted' : 'draft');
    assert.equal(r.body.application.timeline.length, submit ? 2 : 1, 'one save (and one submit) in the timeline');
  }
});

test('the APP channel: a bearer token files an application without cookie or CSRF token', async () => {
  const w = await worker();
  const app = new Client(srv.url, { origin: null });
  app.headers['X-Forwarded-For'] = w.client.headers['X-Forwarded-For'];
  const l = await app.post('/api/v1/auth/password-login', { username: w.phone, password: w.password, client: 'app' });
  assert.equal(l.status, 200, l.text);
  assert.ok(l.body.token);
  app.bearer = l.body.token;
  app.csrf = null;
  assert.equal(app.cookies.size, 0);
  const r = await create(app, { data: fullData(), submit: true });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.application.status, 'submitted');
  assert.equal((await counts(w.client)).processing, 1, 'the same account on the web sees it');
});

test('approval: membership created, the worker is a member, the check and consent refuse another join', async () => {
  const reviewer = await staff('reviewer', unionUnit.union.code, '周审核');
  const w = await worker();
  const spare = await consent(w.client);
  let r = await create(w.client, { data: fullData(), submit: true });
  assert.equal(r.status, 201, r.text);
  const app = r.body.application;
  r = await reviewer.post(`/api/v1/admin/applications/${app.id}/approve`, { version: app.version });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.application.status, 'completed');

  r = await w.client.get('/api/v1/membership');
  assert.equal(r.status, 200);
  const m = r.body.membership;
  assert.match(m.member_no, /^XM\d{12}$/);
  assert.equal(m.status, 'active');
  assert.equal(typeof m.status_label, 'string');
  assert.equal(m.org.name, unionUnit.union.name);
  assert.equal(m.org.id, app.org.id);
  assert.match(m.joined_at, /^\d{4}-\d\d-\d\d$/);
  assert.equal(m.member_no.slice(2, 6), m.joined_at.slice(0, 4));
  assert.equal(r.body.history.length, 1);

  const s = await w.client.get('/api/v1/session');
  assert.equal(s.body.user.is_member, true);
  assert.equal(s.body.user.join_open, null);
  assert.equal((await w.client.get('/api/v1/account')).body.user.is_member, true);

  const e = await eligibility(w.client);
  assert.equal(e.eligible, false);
  assert.equal(e.by.not_member.passed, false);
  assert.equal(e.by.no_open_application.passed, true);
  assert.equal(e.open_application, null);
  expectError(await w.client.post('/api/v1/join/consent', { version: '2026-11' }), 409, 'not_eligible');
  r = await create(w.client, { consentId: spare, data: fullData(), submit: true });
  expectError(r, 409, 'not_eligible', undefined, 'a member applying again');
  assert.equal((await counts(w.client)).all, 1);
});

test('a former member (已退会 through 会籍变更) may apply again; the reviewer sees the earlier membership', async () => {
  const reviewer = await staff('reviewer', unionUnit.union.code, '吴审核');
  const w = await worker();
  let r = await create(w.client, { data: fullData(), submit: true });
  assert.equal(r.status, 201, r.text);
  r = await reviewer.post(`/api/v1/admin/applications/${r.body.application.id}/approve`, { version: r.body.application.version });
  assert.equal(r.status, 200, r.text);
  const first = (await w.client.get('/api/v1/membership')).body.membership;
  assert.equal(first.status, 'active');

  // 个人要求退会, approved by the current union.
  r = await w.client.post('/api/v1/transfer/consent', { version: '2026-11' });
  assert.equal(r.status, 201, r.text);
  r = await w.client.post('/api/v1/applications', {
    kind: 'transfer', consent_id: r.body.consent_id, request_id: randomUUID(), data: { reason: 'withdraw' }, submit: true,
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.application.org.name, unionUnit.union.name);
  r = await reviewer.post(`/api/v1/admin/applications/${r.body.application.id}/approve`, { version: r.body.application.version });
  assert.equal(r.status, 200, r.text);
  r = await w.client.get('/api/v1/membership');
  assert.equal(r.body.membership, null, 'no current membership after 退会');
  assert.equal(r.body.history.length, 1);
  assert.equal(r.body.history[0].status, 'withdrawn');
  assert.equal((await w.client.get('/api/v1/session')).body.user.is_member, false);

  const e = await eligibility(w.client);
  assert.equal(e.eligible, true, JSON.stringify(e.conditions));
  assert.equal(e.by.not_member.passed, true);
  r = await create(w.client, { data: fullData(plainUnit), submit: true });
  assert.equal(r.status, 201, r.text);
  const again = r.body.application;
  // The street union reviews this one; its reviewer sees the earlier membership.
  const streetReviewer = await staff('reviewer', plainUnit.street.code, '郑审核');
  r = await streetReviewer.get(`/api/v1/admin/applications/${again.id}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.application.memberships.length, 1);
  assert.equal(r.body.application.memberships[0].member_no, first.member_no);
  assert.equal(r.body.application.memberships[0].current, false);
  assert.equal(r.body.application.memberships[0].status_label, '已退会');
  r = await streetReviewer.post(`/api/v1/admin/applications/${again.id}/approve`, { version: again.version });
  assert.equal(r.status, 200, r.text);
  r = await w.client.get('/api/v1/membership');
  assert.equal(r.body.membership.status, 'active');
  assert.equal(r.body.membership.org.name, again.org.name);
  assert.notEqual(r.body.membership.member_no, first.member_no);
  assert.match(r.body.membership.member_no, /^XM\d{12}$/);
  assert.equal(r.body.history.length, 2);
});

// Last in the file: it moves the server clock by a day (which ends the other sessions).
test('age: refused the day before the 16th birthday, accepted on it', async () => {
  const now = await srv.advance(0);
  const cst = new Date((now + 8 * 3600) * 1000);
  const b = new Date(Date.UTC(cst.getUTCFullYear() - 16, cst.getUTCMonth(), cst.getUTCDate() + 1));
  const birth = `${b.getUTCFullYear()}${String(b.getUTCMonth() + 1).padStart(2, '0')}${String(b.getUTCDate()).padStart(2, '0')}`;
  const w = await worker({ birth });
  let e = await eligibility(w.client);
  assert.equal(e.eligible, false);
  assert.equal(e.by.age.passed, false);
  assert.match(e.by.age.reason, /16/);
  assert.equal(e.by.profile.passed && e.by.not_member.passed && e.by.no_open_application.passed, true);
  expectError(await w.client.post('/api/v1/join/consent', { version: '2026-11' }), 409, 'not_eligible');
  assert.equal((await counts(w.client)).all, 0);

  await srv.advance(86400);
  const c = new Client(srv.url);
  c.headers['X-Forwarded-For'] = w.client.headers['X-Forwarded-For'];
  const l = await c.post('/api/v1/auth/password-login', { username: w.phone, password: w.password });
  assert.equal(l.status, 200, l.text);
  e = await eligibility(c);
  assert.equal(e.by.age.passed, true);
  assert.equal(e.eligible, true);
  const r = await create(c, { data: fullData(), submit: true });
  assert.equal(r.status, 201, r.text);
});
