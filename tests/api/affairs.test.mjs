// 我的办事 (SPEC §6): the worker's side of the application engine — tabs and counts, every
// transition the worker may make and the ones refused, versions, other people's applications,
// and hostile input on the worker endpoints.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer } from '../lib/server.mjs';
import { Client, staffClient } from '../lib/client.mjs';
import { addStaff, expectError, freshId, freshPhone, register } from './helpers.mjs';

let srv;
let unionUnit; // 中国建设银行股份有限公司厦门分行, has a union
let reviewer; // a reviewer of that union

// Every worker comes from its own client address (through a trusted proxy), so the
// per-address SMS caps of registration never bite however many workers a test makes.
let addr = 0;
async function worker(opts = {}) {
  addr++;
  const client = new Client(srv.url);
  client.headers['X-Forwarded-For'] = `10.30.${addr >> 8}.${addr & 255}`;
  return register(srv, { client, idNumber: freshId(), name: opts.name || '陈办事' });
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
const del = (c, id) => c.request('DELETE', `/api/v1/applications/${id}`);
const withdraw = (c, id, body) => c.post(`/api/v1/applications/${id}/withdraw`, body);

async function consent(c) {
  const r = await c.post('/api/v1/join/consent', { version: '2026-11' });
  assert.equal(r.status, 201, 'consent: ' + r.text);
  return r.body.consent_id;
}

function fullData(extra = {}) {
  return {
    residence: '厦门市湖里区金山街道1号', employment: 'unit', unit_id: unionUnit.id,
    work_district: unionUnit.district.code, work_street: unionUnit.street.code, ...extra,
  };
}

async function create(c, { data = fullData(), submit = false } = {}) {
  const r = await c.post('/api/v1/applications', { kind: 'join', consent_id: await consent(c), request_id: randomUUID(), data, submit });
  assert.equal(r.status, 201, 'create: ' + r.text);
  return r.body.application;
}

async function get(c, id) {
  const r = await c.get(`/api/v1/applications/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.body.application;
}

async function affairs(c, query = '') {
  const r = await c.get('/api/v1/affairs' + query);
  assert.equal(r.status, 200, r.text);
  return r.body;
}

// A reviewer's decision at the application's current version.
async function decide(id, action, extra = {}) {
  const cur = await reviewer.get(`/api/v1/admin/applications/${id}`);
  assert.equal(cur.status, 200, cur.text);
  const r = await reviewer.post(`/api/v1/admin/applications/${id}/${action}`, { version: cur.body.application.version, ...extra });
  assert.equal(r.status, 200, `${action}: ${r.text}`);
  return r.body.application;
}

const tabsOf = (b) => b.counts;
const zero = { todo: 0, processing: 0, completed: 0, rejected: 0, all: 0 };

before(async () => {
  srv = await startServer({ env: { GONGHUI_TRUSTED_PROXIES: '127.0.0.1/32' } });
  const w = await worker();
  const r = await w.client.get('/api/v1/units?q=' + encodeURIComponent('中国建设银行股份有限公司厦门分行'));
  unionUnit = r.body.items.find((u) => u.name === '中国建设银行股份有限公司厦门分行');
  assert.ok(unionUnit?.union?.code, 'the demo data has 建设银行 with a union');
  reviewer = await staff('reviewer', unionUnit.union.code, '孙审核');
});
after(async () => { await srv?.stop(); });

test('an empty 我的办事: zero counts in every tab', async () => {
  const w = await worker();
  for (const tab of ['', '?tab=all', '?tab=todo', '?tab=processing', '?tab=completed', '?tab=rejected']) {
    const b = await affairs(w.client, tab);
    assert.deepEqual(b.counts, zero, tab);
    assert.equal(b.total, 0);
    assert.equal(b.page, 1);
    assert.deepEqual(b.items, []);
  }
});

test('draft → 提交 → 撤回 → 提交 again: status, tab, actions and timeline at each step', async () => {
  const w = await worker();
  let a = await create(w.client, { data: { residence: '厦门市' } });
  let b = await affairs(w.client, '?tab=todo');
  assert.deepEqual(tabsOf(b), { ...zero, todo: 1, all: 1 });
  assert.equal(b.items[0].status_label, '暂存');
  assert.deepEqual([...b.items[0].actions].sort(), ['delete', 'edit', 'submit']);
  for (const k of ['id', 'ref', 'kind', 'kind_label', 'status', 'status_label', 'reason', 'updated_at', 'submitted_at', 'actions']) {
    assert.ok(k in b.items[0], `list item has ${k}`);
  }

  // 暂存 again with more data: still a draft, version moves on.
  let r = await put(w.client, a.id, { data: fullData(), submit: false, version: a.version });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.application.status, 'draft');
  assert.equal(r.body.application.version, a.version + 1);
  assert.equal(r.body.application.data.unit_id, unionUnit.id);
  a = r.body.application;

  r = await put(w.client, a.id, { submit: true, version: a.version });
  assert.equal(r.status, 200, r.text);
  a = r.body.application;
  assert.equal(a.status, 'submitted');
  assert.equal(a.org.name, unionUnit.union.name);
  assert.ok(a.next_steps);
  assert.deepEqual(a.actions, ['withdraw']);
  b = await affairs(w.client, '?tab=processing');
  assert.deepEqual(tabsOf(b), { ...zero, processing: 1, all: 1 });
  assert.equal(b.items[0].status_label, '已递交');
  assert.deepEqual(b.items[0].actions, ['withdraw']);
  assert.ok(b.items[0].submitted_at);

  // While 已递交 the worker cannot edit.
  expectError(await put(w.client, a.id, { data: fullData(), submit: false, version: a.version }), 409, 'invalid_state');

  r = await withdraw(w.client, a.id, { version: a.version });
  assert.equal(r.status, 200, r.text);
  a = r.body.application;
  assert.equal(a.status, 'withdrawn');
  assert.equal(a.status_label, '已撤回');
  assert.deepEqual([...a.actions].sort(), ['edit', 'submit']);
  b = await affairs(w.client, '?tab=todo');
  assert.deepEqual(tabsOf(b), { ...zero, todo: 1, all: 1 });
  assert.equal(b.items[0].status, 'withdrawn');
  // Withdrawing twice is refused; so is deleting a withdrawn one.
  expectError(await withdraw(w.client, a.id, { version: a.version }), 409, 'invalid_state');
  expectError(await del(w.client, a.id), 409, 'invalid_state');
  // The reviewers no longer see it to decide.
  expectError(await reviewer.post(`/api/v1/admin/applications/${a.id}/approve`, { version: a.version }), 409, 'conflict');

  // 暂存 keeps it withdrawn; 提交 files it again.
  r = await put(w.client, a.id, { data: fullData({ position: '柜员' }), submit: false, version: a.version });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.application.status, 'withdrawn');
  a = r.body.application;
  r = await put(w.client, a.id, { submit: true, version: a.version });
  assert.equal(r.status, 200, r.text);
  a = r.body.application;
  assert.equal(a.status, 'submitted');
  assert.equal(a.data.position, '柜员');
  assert.deepEqual(a.timeline.map((t) => t.action), ['save', 'save', 'submit', 'withdraw', 'save', 'submit']);
  for (const t of a.timeline) {
    assert.equal(t.actor, '本人');
    assert.match(t.at, /^\d{4}-\d\d-\d\dT/);
    assert.match(t.label, /[\u4e00-\u9fff]/);
  }
  assert.deepEqual(tabsOf(await affairs(w.client)), { ...zero, processing: 1, all: 1 });
});

test('退回 with a reason: in 我的待办 with the reason, edited (reason kept) and submitted again (reason cleared)', async () => {
  const w = await worker();
  let a = await create(w.client, { submit: true });
  const reason = '现居住地请填写到门牌号';
  a = await decide(a.id, 'return', { reason });
  assert.equal(a.status, 'returned');
  a = await get(w.client, a.id);
  assert.equal(a.status_label, '已退回');
  assert.equal(a.reason, reason);
  assert.deepEqual([...a.actions].sort(), ['edit', 'submit']);
  const last = a.timeline.at(-1);
  assert.equal(last.action, 'return');
  assert.equal(last.actor, '审核人员 孙审核');
  assert.equal(last.note, reason);
  let b = await affairs(w.client, '?tab=todo');
  assert.deepEqual(tabsOf(b), { ...zero, todo: 1, all: 1 });
  assert.equal(b.items[0].reason, reason);
  assert.equal(b.items[0].status, 'returned');

  let r = await put(w.client, a.id, { data: fullData({ residence: '厦门市湖里区金山街道1号101室' }), submit: false, version: a.version });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.application.status, 'returned');
  assert.equal(r.body.application.reason, reason, 'the reason stays while editing');
  a = r.body.application;
  r = await put(w.client, a.id, { submit: true, version: a.version });
  assert.equal(r.status, 200, r.text);
  a = r.body.application;
  assert.equal(a.status, 'submitted');
  assert.equal(a.reason, null);
  assert.equal(a.data.residence, '厦门市湖里区金山街道1号101室');
  b = await affairs(w.client, '?tab=processing');
  assert.deepEqual(tabsOf(b), { ...zero, processing: 1, all: 1 });
  assert.equal(b.items[0].reason, null);
});

test('受理 (办理中): no more withdraw; 审核不通过 lands in its tab with the reason, closed for good', async () => {
  const w = await worker();
  let a = await create(w.client, { submit: true });
  a = await decide(a.id, 'accept');
  assert.equal(a.status, 'processing');
  a = await get(w.client, a.id);
  assert.equal(a.status_label, '办理中');
  assert.deepEqual(a.actions, []);
  let b = await affairs(w.client, '?tab=processing');
  assert.equal(b.items[0].status, 'processing');
  assert.deepEqual(b.items[0].actions, []);
  expectError(await withdraw(w.client, a.id, { version: a.version }), 409, 'invalid_state', undefined, 'withdraw after accept');
  expectError(await put(w.client, a.id, { submit: true, version: a.version }), 409, 'invalid_state');
  expectError(await del(w.client, a.id), 409, 'invalid_state');
  assert.equal((await get(w.client, a.id)).version, a.version, 'nothing written');

  const reason = '所填工作单位与社保缴纳单位不一致';
  await decide(a.id, 'reject', { reason });
  a = await get(w.client, a.id);
  assert.equal(a.status, 'rejected');
  assert.equal(a.status_label, '审核不通过');
  assert.equal(a.reason, reason);
  assert.ok(a.decided_at);
  assert.deepEqual(a.actions, []);
  b = await affairs(w.client, '?tab=rejected');
  assert.deepEqual(tabsOf(b), { ...zero, rejected: 1, all: 1 });
  assert.equal(b.items[0].reason, reason);
  for (const body of [{ submit: true, version: a.version }, { data: fullData(), version: a.version }]) {
    expectError(await put(w.client, a.id, body), 409, 'invalid_state');
  }
  expectError(await withdraw(w.client, a.id, { version: a.version }), 409, 'invalid_state');
  // A rejected application no longer blocks a new one.
  const e = await w.client.get('/api/v1/join/eligibility');
  assert.equal(e.body.eligible, true);
});

test('审核通过: 已完成 tab, the membership, and nothing more to do on it', async () => {
  const w = await worker();
  let a = await create(w.client, { submit: true });
  await decide(a.id, 'approve');
  a = await get(w.client, a.id);
  assert.equal(a.status, 'completed');
  assert.equal(a.status_label, '已完成');
  assert.deepEqual(a.actions, []);
  assert.equal(a.reason, null);
  const b = await affairs(w.client, '?tab=completed');
  assert.deepEqual(tabsOf(b), { ...zero, completed: 1, all: 1 });
  assert.equal(b.items[0].id, a.id);
  const m = await w.client.get('/api/v1/membership');
  assert.match(m.body.membership.member_no, /^XM\d{12}$/);
  assert.equal(m.body.membership.status, 'active');
  assert.equal(m.body.membership.org.name, unionUnit.union.name);
  assert.equal((await w.client.get('/api/v1/session')).body.user.is_member, true);
  expectError(await put(w.client, a.id, { submit: true, version: a.version }), 409, 'invalid_state', undefined, 'resubmit approved');
  expectError(await put(w.client, a.id, { data: fullData(), submit: false, version: a.version }), 409, 'invalid_state');
  expectError(await withdraw(w.client, a.id, { version: a.version }), 409, 'invalid_state');
  expectError(await del(w.client, a.id), 409, 'invalid_state');
  assert.equal((await get(w.client, a.id)).version, a.version);
});

test('delete: a draft only; it is gone afterwards', async () => {
  const w = await worker();
  const d = await create(w.client, { data: { residence: '厦门' } });
  let r = await del(w.client, d.id);
  assert.equal(r.status, 204, r.text);
  assert.equal(r.text, '');
  expectError(await w.client.get(`/api/v1/applications/${d.id}`), 404, 'not_found');
  expectError(await del(w.client, d.id), 404, 'not_found');
  assert.deepEqual(tabsOf(await affairs(w.client)), zero);
  // The worker may start again.
  const s = await create(w.client, { submit: true });
  expectError(await del(w.client, s.id), 409, 'invalid_state', undefined, 'delete a submitted one');
  assert.equal((await get(w.client, s.id)).status, 'submitted');
  assert.deepEqual(tabsOf(await affairs(w.client)), { ...zero, processing: 1, all: 1 });
});

test('a stale version: 409 conflict on edit, submit and withdraw; nothing written', async () => {
  const w = await worker();
  let a = await create(w.client, { data: { residence: '厦门' } });
  let r = await put(w.client, a.id, { data: { residence: '厦门市思明区' }, version: a.version });
  assert.equal(r.status, 200);
  const stale = a.version;
  a = r.body.application;
  expectError(await put(w.client, a.id, { data: { residence: '旧页面' }, version: stale }), 409, 'conflict');
  expectError(await put(w.client, a.id, { data: fullData(), submit: true, version: stale }), 409, 'conflict');
  expectError(await put(w.client, a.id, { data: fullData(), submit: true, version: a.version + 5 }), 409, 'conflict');
  let now = await get(w.client, a.id);
  assert.equal(now.version, a.version);
  assert.equal(now.data.residence, '厦门市思明区');
  assert.equal(now.status, 'draft');
  r = await put(w.client, a.id, { data: fullData(), submit: true, version: a.version });
  assert.equal(r.status, 200);
  a = r.body.application;
  expectError(await withdraw(w.client, a.id, { version: a.version - 1 }), 409, 'conflict');
  now = await get(w.client, a.id);
  assert.equal(now.status, 'submitted');
  assert.equal(now.version, a.version);
  // Two tabs withdrawing at once: one wins, the other is told.
  const rs = await Promise.all([withdraw(w.client, a.id, { version: a.version }), withdraw(w.client, a.id, { version: a.version })]);
  assert.deepEqual(rs.map((x) => x.status).sort(), [200, 409], rs.map((x) => x.text).join('\n'));
  now = await get(w.client, a.id);
  assert.equal(now.status, 'withdrawn');
  assert.equal(now.version, a.version + 1);
  assert.equal(now.timeline.filter((t) => t.action === 'withdraw').length, 1);
});

test('another worker\'s application: 404 for GET, PUT, withdraw and DELETE; it stays as it was', async () => {
  const a = await worker();
  const b = await worker();
  const draft = await create(a.client, { data: { residence: '厦门' } });
  const filedBy = await worker();
  const filed = await create(filedBy.client, { submit: true });
  for (const [owner, app] of [[a, draft], [filedBy, filed]]) {
    const id = app.id;
    expectError(await b.client.get(`/api/v1/applications/${id}`), 404, 'not_found', undefined, 'GET');
    expectError(await put(b.client, id, { data: fullData(), submit: true, version: app.version }), 404, 'not_found', undefined, 'PUT');
    expectError(await withdraw(b.client, id, { version: app.version }), 404, 'not_found', undefined, 'withdraw');
    expectError(await del(b.client, id), 404, 'not_found', undefined, 'DELETE');
    // The answer is the same as for an id that does not exist.
    const missing = await b.client.get('/api/v1/applications/987654');
    expectError(missing, 404, 'not_found');
    const mine = await get(owner.client, id);
    assert.equal(mine.version, app.version);
    assert.equal(mine.status, app.status);
  }
  assert.deepEqual(tabsOf(await affairs(b.client)), zero, 'b sees nothing of theirs');
  assert.equal((await affairs(a.client)).counts.all, 1);
});

test('a staff session on worker endpoints: 401', async () => {
  const s = await staff('platform_admin', '350200', '钱平台');
  const w = await worker();
  const a = await create(w.client, { data: { residence: '厦门' } });
  for (const [m, p, body] of [
    ['GET', '/api/v1/affairs'], ['GET', `/api/v1/applications/${a.id}`], ['GET', '/api/v1/join/eligibility'],
    ['GET', '/api/v1/membership'], ['POST', '/api/v1/join/consent', { version: '2026-11' }],
    ['POST', '/api/v1/applications', { kind: 'join', consent_id: 1, request_id: randomUUID(), data: {} }],
    ['PUT', `/api/v1/applications/${a.id}`, { data: {}, version: a.version }],
    ['POST', `/api/v1/applications/${a.id}/withdraw`, { version: a.version }], ['DELETE', `/api/v1/applications/${a.id}`],
  ]) {
    expectError(await s.request(m, p, body), 401, 'unauthenticated', undefined, `${m} ${p}`);
  }
  assert.equal((await get(w.client, a.id)).version, a.version);
});

test('我的办事 pages and tabs: totals, page sizes, newest first, no overlap', async () => {
  const w = await worker();
  const ids = [];
  for (let i = 0; i < 3; i++) {
    const a = await create(w.client, { submit: true });
    await decide(a.id, 'reject', { reason: `第${i + 1}次不通过` });
    ids.push(a.id);
  }
  const draft = await create(w.client, { data: { residence: '厦门' } });
  ids.push(draft.id);
  let b = await affairs(w.client, '?tab=all&page_size=2');
  assert.deepEqual(b.counts, { ...zero, todo: 1, rejected: 3, all: 4 });
  assert.equal(b.total, 4);
  assert.equal(b.items.length, 2);
  assert.equal(b.items[0].id, draft.id, 'the latest change first');
  const p2 = await affairs(w.client, '?tab=all&page_size=2&page=2');
  assert.equal(p2.page, 2);
  assert.equal(p2.items.length, 2);
  const seen = [...b.items, ...p2.items].map((x) => x.id);
  assert.deepEqual([...seen].sort((x, y) => x - y), [...ids].sort((x, y) => x - y), 'every application once');
  const p3 = await affairs(w.client, '?tab=all&page_size=2&page=3');
  assert.deepEqual(p3.items, []);
  assert.equal(p3.total, 4);
  b = await affairs(w.client, '?tab=rejected&page_size=2&page=2');
  assert.equal(b.total, 3);
  assert.equal(b.items.length, 1);
  assert.equal(b.items[0].status, 'rejected');
  assert.match(b.items[0].reason, /^第\d次不通过$/);
  b = await affairs(w.client, '?tab=todo');
  assert.equal(b.total, 1);
  assert.deepEqual(b.items.map((x) => x.id), [draft.id]);
  b = await affairs(w.client, '?tab=completed');
  assert.equal(b.total, 0);
  b = await affairs(w.client, '?page_size=50');
  assert.equal(b.items.length, 4);
  b = await affairs(w.client);
  assert.equal(b.items.length, 4, 'default page size is 10');
});

test('hostile input on the worker endpoints: 400/404 JSON, never a 5xx, nothing written', async () => {
  const w = await worker();
  const a = await create(w.client, { data: { residence: '厦门' } });
  const cid = await (async () => {
    // A consent cannot be had while the draft is open; keep an unused one from another worker.
    const o = await worker();
    return { owner: o, id: await consent(o.client) };
  })();
  const before = await get(w.client, a.id);

  // Malformed JSON and non-object bodies.
  const bodies = ['{"kind":', '{"kind":"join",}', 'null', '[]', '"join"', '42', '{"version":1,"version":2}', '\u0000', '{"a":"\\ud800"}'];
  for (const body of bodies) {
    for (const [m, p] of [['POST', '/api/v1/applications'], ['PUT', `/api/v1/applications/${a.id}`],
      ['POST', `/api/v1/applications/${a.id}/withdraw`], ['POST', '/api/v1/join/consent']]) {
      const r = await w.client.request(m, p, body);
      expectError(r, 400, 'invalid_json', undefined, `${m} ${p} ${JSON.stringify(body)}`);
    }
    const r = await cid.owner.client.request('POST', '/api/v1/applications', body);
    expectError(r, 400, 'invalid_json', undefined, `create ${JSON.stringify(body)}`);
  }

  // Wrong types.
  const base = { kind: 'join', consent_id: cid.id, request_id: randomUUID(), data: fullData(), submit: false };
  const creates = [
    [{ ...base, data: 'residence=厦门' }, 'data'],
    [{ ...base, data: [1, 2] }, 'data'],
    [{ ...base, data: { ...fullData(), unit_id: String(unionUnit.id) } }, 'data.unit_id'],
    [{ ...base, submit: 'yes' }, 'submit'],
    [{ ...base, submit: 1 }, 'submit'],
    [{ ...base, request_id: 12345678 }, 'request_id'],
    [{ ...base, kind: ['join'] }, 'kind'],
  ];
  for (const [body, field] of creates) {
    expectError(await cid.owner.client.post('/api/v1/applications', body), 400, 'invalid_field', field, JSON.stringify(body).slice(0, 80));
  }
  expectError(await cid.owner.client.post('/api/v1/applications', { ...base, consent_id: String(cid.id) }), 400, 'consent_required', 'consent_id');
  assert.deepEqual(tabsOf(await affairs(cid.owner.client)), zero, 'no application from any of these');

  const puts = [
    [{ data: 'x', version: before.version }, 'data'],
    [{ data: { unit_id: 'abc' }, version: before.version }, 'data.unit_id'],
    [{ submit: 'yes', version: before.version }, 'submit'],
    [{ version: before.version, data: 7 }, 'data'],
    [{ version: String(before.version), data: {} }, 'version'],
    [{ version: before.version + 0.5, data: {} }, 'version'],
    [{ version: [before.version], data: {} }, 'version'],
  ];
  for (const [body, field] of puts) {
    expectError(await put(w.client, a.id, body), 400, 'invalid_field', field, JSON.stringify(body));
  }
  expectError(await withdraw(w.client, a.id, { version: 'one' }), 400, 'invalid_field', 'version');

  // Invalid ids in paths: 404 JSON.
  for (const id of ['abc', '0', '-1', '99999999999999999999', '1.5', '1e3', '0x1', '9223372036854775807', '%00', '1%20', '%E4%B8%80']) {
    for (const [m, p, body] of [['GET', `/api/v1/applications/${id}`], ['PUT', `/api/v1/applications/${id}`, { data: {}, version: 1 }],
      ['POST', `/api/v1/applications/${id}/withdraw`, { version: 1 }], ['DELETE', `/api/v1/applications/${id}`]]) {
      const r = await w.client.request(m, p, body);
      expectError(r, 404, 'not_found', undefined, `${m} ${p}`);
    }
  }

  // Bad query parameters of 我的办事.
  for (const q of ['tab=foo', 'tab=TODO', 'tab=todo,all', 'page=0', 'page=-1', 'page=abc', 'page=1.5', 'page=99999999999999999999',
    'page_size=0', 'page_size=51', 'page_size=x']) {
    const r = await w.client.get('/api/v1/affairs?' + q);
    assert.equal(r.status, 400, `${q} → ${r.status} ${r.text}`);
    expectError(r, 400, 'invalid_field', q.split('=')[0], q);
  }

  // Cookie requests without the CSRF token or from a foreign Origin.
  for (const [m, p, body] of [['POST', '/api/v1/applications', { ...base, request_id: randomUUID() }],
    ['PUT', `/api/v1/applications/${a.id}`, { data: {}, version: before.version }],
    ['POST', `/api/v1/applications/${a.id}/withdraw`, { version: before.version }], ['DELETE', `/api/v1/applications/${a.id}`]]) {
    expectError(await w.client.request(m, p, body, { headers: { 'X-CSRF-Token': 'forged' } }), 403, 'csrf', undefined, `${m} ${p} csrf`);
    expectError(await w.client.request(m, p, body, { headers: { Origin: 'https://evil.example' } }), 403, 'origin', undefined, `${m} ${p} origin`);
  }

  const after = await get(w.client, a.id);
  assert.equal(after.version, before.version, 'the draft is untouched');
  assert.deepEqual(after.data, before.data);
  assert.equal(after.timeline.length, before.timeline.length);
  assert.deepEqual(tabsOf(await affairs(w.client)), { ...zero, todo: 1, all: 1 });
});
