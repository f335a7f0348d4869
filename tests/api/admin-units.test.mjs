// 单位管理 in the back office (docs/api.md "Back office administration": units) and the routing
// around deactivated unions: the scope of each role (in- and out-of-scope ids), create and edit
// with their validation and duplicates, the search grams kept right through a rename (1- and
// 2-character search finds the new name and no longer the old one; unit_gram_count matches
// unit_gram), 建会 then a join routed to the new union (and the members the street union held
// moved to it), linking units to a union (联合工会) and the 409 when members would be orphaned,
// the CSV import (line-numbered errors, dry run, duplicates in the file, all or nothing, BOM,
// regions by name and by code), hostile input, and joins that skip inactive unions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer } from '../lib/server.mjs';
import { Client, staffClient } from '../lib/client.mjs';
import { addStaff, assertErrorShape, badCheck, createOrg, creditCode, dbQuery, decide, expectError, fileJoin, freshId, freshPhone, joinPlace, postExpectContinue, register, uname } from './helpers.mjs';

const A = '/api/v1/admin';
const PASSWORD = 'Passw0rdXyz1';
let srv;
let ORG = {}; // org code → id
const S = {}; // staff clients
let W; // a worker

// ---- helpers -------------------------------------------------------------------------------

async function staff(role, org, name) {
  const phone = freshPhone('15');
  const r = addStaff(srv, { role, phone, name, org, password: PASSWORD });
  assert.equal(r.status, 0, 'user add: ' + r.stderr);
  const { client, response } = await staffClient(srv, { phone, password: PASSWORD });
  assert.equal(response.status, 200, `login ${name}: ${response.text}`);
  return client;
}

let addr = 0;
async function worker(name = '职工') {
  addr++;
  const client = new Client(srv.url);
  client.headers['X-Forwarded-For'] = `10.78.${addr >> 8}.${addr & 255}`;
  return register(srv, { client, idNumber: freshId(), name });
}

async function createUnit(c, fields = {}) {
  const body = { name: uname(), credit_code: creditCode(), district_code: '350203', street_code: '350203001', address: '厦门市思明区测试路1号', ...fields };
  const r = await c.post(`${A}/units`, body);
  assert.equal(r.status, 201, r.text);
  return r.body.unit;
}

async function listUnits(c, qs = '') {
  const r = await c.get(`${A}/units${qs ? '?' + qs : ''}`);
  assert.equal(r.status, 200, r.text);
  return r.body;
}


// Files a 网上入会 application; returns it as submitted (with its `org`).
const joinWithUnit = (w, unit) => fileJoin(w.client, { employment: 'unit', unit_id: unit.id, work_district: unit.district.code, work_street: unit.street.code });
const joinWithout = (w, street) => fileJoin(w.client, joinPlace(street));

async function approve(c, id) {
  const r = await decide(c, id, 'approve');
  assert.equal(r.status, 200, r.text);
}


async function auditHas(action, target) {
  const r = await S.platform.get(`${A}/audit?action=${encodeURIComponent(action)}&target=${encodeURIComponent(target)}`);
  assert.equal(r.status, 200, r.text);
  return r.body.items.length > 0;
}

const unitCount = () => Number(dbQuery(srv, 'SELECT COUNT(*) FROM unit')[0][0]);

// unit_gram_count must say, for every gram, how many unit_gram rows carry it.
function assertGramCounts() {
  const bad = dbQuery(srv, `SELECT c.gram, c.kind, c.n, COALESCE(g.n, 0) FROM unit_gram_count c
    LEFT JOIN (SELECT gram, kind, COUNT(*) AS n FROM unit_gram GROUP BY gram, kind) g ON g.gram = c.gram AND g.kind = c.kind
    WHERE c.n <> COALESCE(g.n, 0)`);
  assert.deepEqual(bad, [], 'unit_gram_count differs from unit_gram');
  const missing = dbQuery(srv, `SELECT g.gram, g.kind FROM unit_gram g LEFT JOIN unit_gram_count c
    ON c.gram = g.gram AND c.kind = g.kind WHERE c.gram IS NULL`);
  assert.deepEqual(missing, [], 'grams without a count');
}

const csvOf = (rows, header = '单位名称,统一社会信用代码,所在区,所在镇街,地址') => [header, ...rows].join('\n') + '\n';
const importCsv = (c, csv, dry_run) => c.post(`${A}/units/import`, { csv, dry_run });

// ---- setup ---------------------------------------------------------------------------------

before(async () => {
  srv = await startServer({ env: { GONGHUI_TRUSTED_PROXIES: '127.0.0.1/32' } });
  ORG = Object.fromEntries(dbQuery(srv, 'SELECT code, id FROM org').map(([code, id]) => [code, Number(id)]));
  const made = await Promise.all([
    staff('platform_admin', '350200', '平台管理'),
    staff('org_admin', '350203', '思明管理'),
    staff('org_admin', '350205', '海沧管理'),
    staff('org_admin', '350203001', '厦港管理'),
    staff('reviewer', '350203', '思明审核'),
    staff('reviewer', '350203001', '厦港审核'),
  ]);
  [S.platform, S.admin, S.other, S.street, S.reviewer, S.streetReviewer] = made;
  W = await worker('钱职工');
});

after(async () => {
  await srv?.stop();
});

// ---- 关联工会 picker: grassroots unions by a part of their name --------------------------------

test('org search: ?q= finds grassroots unions by name within the admin\'s subtree only, with the parent', async () => {
  const xiagang = ORG['350203001'], haicangStreet = ORG['350205001'];
  const mine = await createOrg(S.platform, xiagang, '寻名甲Abc工会');
  const theirs = await createOrg(S.platform, haicangStreet, '寻名甲海沧工会');
  const pct = await createOrg(S.platform, xiagang, '寻名%乙工会');
  const search = (c, q, extra = '') => c.get(`${A}/orgs?q=${encodeURIComponent(q)}&kind=grassroots${extra}`);
  const ids = (r) => r.body.items.map((o) => o.id).sort((a, b) => a - b);

  let r = await search(S.admin, '寻名甲');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(ids(r), [mine.id], '思明 admin sees only 思明 unions');
  const street = dbQuery(srv, `SELECT name FROM org WHERE id = ${xiagang}`)[0][0];
  assert.equal(r.body.items[0].parent_name, street);
  assert.equal(r.body.items[0].parent_id, xiagang);
  assert.equal(r.body.items[0].kind, 'grassroots');
  assert.equal(r.body.more, false);
  assert.ok(!r.text.includes('海沧工会'), 'nothing of another district');
  r = await search(S.other, '寻名甲');
  assert.deepEqual(ids(r), [theirs.id], '海沧 admin sees only 海沧 unions');
  r = await search(S.street, '寻名');
  assert.deepEqual(ids(r), [mine.id, pct.id].sort((a, b) => a - b), 'a street admin: its street');
  r = await search(S.platform, '寻名甲');
  assert.deepEqual(ids(r), [mine.id, theirs.id].sort((a, b) => a - b));
  // ASCII folded; % and _ are plain characters; one character is enough
  assert.deepEqual(ids(await search(S.admin, 'aBC')), [mine.id]);
  assert.deepEqual(ids(await search(S.admin, '寻名%')), [pct.id]);
  assert.deepEqual(ids(await search(S.admin, '寻名_')), []);
  r = await search(S.admin, '乙');
  assert.ok(ids(r).includes(pct.id), r.text);
  // within a given parent: the admin's own subtree only
  assert.deepEqual(ids(await search(S.platform, '寻名甲', `&parent_id=${haicangStreet}`)), [theirs.id]);
  expectError(await search(S.admin, '寻名甲', `&parent_id=${haicangStreet}`), 404);
  // reviewers 403, bad input 400 with the field
  expectError(await search(S.reviewer, '寻名甲'), 403);
  for (const [q, extra, field] of [['', '', 'q'], ['   ', '', 'q'], ['长'.repeat(51), '', 'q'], ['a\u0001', '', 'q'], ['寻名', '&kind=street', 'kind']]) {
    const e = await S.admin.get(`${A}/orgs?q=${encodeURIComponent(q)}${extra}`);
    expectError(e, 400, undefined, field);
  }
  expectError(await S.admin.get(`${A}/orgs?q=%FF%FE`), 400, undefined, 'q');
  // at most 50, and says there are more
  await Promise.all(Array.from({ length: 51 }, (_, i) => createOrg(S.platform, xiagang, `寻多${i}号工会`)));
  r = await search(S.admin, '寻多');
  assert.equal(r.body.items.length, 50);
  assert.equal(r.body.more, true);
});

// ---- scope ---------------------------------------------------------------------------------

test('scope: each role sees and changes only its units; reviewers 403; others 404', async () => {
  const xiagang = await createUnit(S.platform, { street_code: '350203001' }); // 思明 › 厦港
  const binhai = await createUnit(S.platform, { street_code: '350203005' }); // 思明 › 滨海
  const haicang = await createUnit(S.platform, { district_code: '350205', street_code: '350205001', credit_code: creditCode('350205') });
  // A 海沧 unit linked to a union below 厦港: in 思明's scope through its union.
  const union = await createOrg(S.platform, ORG['350203001'], '跨区联合测试工会');
  const linked = await createUnit(S.platform, { district_code: '350205', street_code: '350205002', credit_code: creditCode('350205') });
  let r = await S.platform.post(`${A}/units/${linked.id}/link-union`, { org_id: union.id });
  assert.equal(r.status, 200, r.text);

  const visible = {
    platform: [xiagang, binhai, haicang, linked],
    admin: [xiagang, binhai, linked],
    other: [haicang, linked],
    street: [xiagang, linked],
  };
  const all = [xiagang, binhai, haicang, linked];
  for (const [who, mine] of Object.entries(visible)) {
    const c = S[who];
    const ids = new Set();
    for (let page = 1; page <= 3; page++) {
      const b = await listUnits(c, `page=${page}&page_size=50`);
      b.items.forEach((u) => ids.add(u.id));
    }
    for (const u of all) {
      const inScope = mine.includes(u);
      assert.equal(ids.has(u.id), inScope, `${who} list ${u.name}`);
      const e = await c.post(`${A}/units/${u.id}`, { address: `新地址${who}` });
      if (inScope) assert.equal(e.status, 200, `${who} edit ${u.name}: ${e.text}`);
      else expectError(e, 404, 'not_found', undefined, `${who} edit out of scope`);
      if (!inScope) {
        expectError(await c.post(`${A}/units/${u.id}/found-union`, {}), 404, 'not_found', undefined, `${who} found`);
        expectError(await c.post(`${A}/units/${u.id}/link-union`, { org_id: null }), 404, 'not_found', undefined, `${who} link`);
      }
    }
    // The search is scoped the same way.
    const found = await listUnits(c, `q=${encodeURIComponent(linked.name)}`);
    assert.deepEqual(found.items.map((u) => u.id), [linked.id], `${who} finds the linked unit`);
    const hc = await listUnits(c, `q=${encodeURIComponent(haicang.name)}`);
    assert.equal(hc.items.some((u) => u.id === haicang.id), mine.includes(haicang), `${who} search ${haicang.name}`);
  }
  // The union a unit belongs to is shown with its id.
  const one = (await listUnits(S.admin, `q=${encodeURIComponent(linked.name)}`)).items[0];
  assert.deepEqual(one.union, { id: union.id, code: union.code, name: union.name, active: true });
  assert.equal(one.has_union, true);

  // Reviewers 403, workers and the anonymous 401, on every endpoint.
  const calls = [
    (c) => c.get(`${A}/units`),
    (c) => c.post(`${A}/units`, { name: uname(), credit_code: creditCode(), district_code: '350203', street_code: '350203001' }),
    (c) => c.post(`${A}/units/${xiagang.id}`, { address: 'x' }),
    (c) => c.post(`${A}/units/${xiagang.id}/found-union`, {}),
    (c) => c.post(`${A}/units/${xiagang.id}/link-union`, { org_id: union.id }),
    (c) => c.post(`${A}/units/import`, { csv: csvOf([]), dry_run: true }),
  ];
  for (const call of calls) {
    expectError(await call(S.reviewer), 403, 'forbidden', undefined, 'reviewer');
    expectError(await call(W.client), 401, 'unauthenticated', undefined, 'worker');
    expectError(await call(new Client(srv.url)), 401, 'unauthenticated', undefined, 'anonymous');
  }
  // Creating in a street outside the scope: 403 on the street.
  expectError(await S.admin.post(`${A}/units`, { name: uname(), credit_code: creditCode('350205'), district_code: '350205', street_code: '350205001' }), 403, 'forbidden', 'street_code', 'create outside');
  expectError(await S.street.post(`${A}/units`, { name: uname(), credit_code: creditCode(), district_code: '350203', street_code: '350203005' }), 403, 'forbidden', 'street_code', 'street admin, other street');
  // Moving an in-scope unit out of the scope: refused the same way.
  expectError(await S.street.post(`${A}/units/${xiagang.id}`, { street_code: '350203005' }), 403, 'forbidden', 'street_code', 'move out');
  // Filters.
  const f = await listUnits(S.platform, 'district_code=350205&has_union=true&page_size=50');
  assert.ok(f.items.some((u) => u.id === linked.id) && f.items.every((u) => u.district.code === '350205' && u.has_union));
  const g = await listUnits(S.platform, 'district_code=350203&street_code=350203005&has_union=false&page_size=50');
  assert.ok(g.items.some((u) => u.id === binhai.id) && g.items.every((u) => u.street.code === '350203005' && !u.has_union));
});

// ---- create and edit -----------------------------------------------------------------------

test('create: validation, lower-case code accepted, duplicates 409, audit', async () => {
  const before = unitCount();
  const base = { name: uname(), credit_code: creditCode(), district_code: '350203', street_code: '350203003', address: '中华路1号' };
  const bad = [
    [{ name: undefined }, 400, 'required', 'name'],
    [{ credit_code: '' }, 400, 'required', 'credit_code'],
    [{ district_code: undefined }, 400, 'required', 'district_code'],
    [{ street_code: null }, 400, 'required', 'street_code'],
    [{ name: '厦' }, 400, 'invalid_field', 'name'],
    [{ name: '厦'.repeat(101) }, 400, 'invalid_field', 'name'],
    [{ name: ' 前导空格公司' }, 400, 'invalid_field', 'name'],
    [{ name: '换行\n公司' }, 400, 'invalid_field', 'name'],
    [{ name: 12345 }, 400, 'invalid_field', 'name'],
    [{ credit_code: badCheck(base.credit_code) }, 400, 'invalid_field', 'credit_code'],
    [{ credit_code: base.credit_code.slice(0, 17) }, 400, 'invalid_field', 'credit_code'],
    [{ credit_code: base.credit_code.replace(/^91/, '9I') }, 400, 'invalid_field', 'credit_code'],
    [{ district_code: '350299' }, 400, 'invalid_field', 'district_code'],
    [{ district_code: '350203001' }, 400, 'invalid_field', 'district_code'],
    [{ street_code: '350205001' }, 400, 'invalid_field', 'street_code'],
    [{ street_code: '350203' }, 400, 'invalid_field', 'street_code'],
    [{ street_code: '厦港街道' }, 400, 'invalid_field', 'street_code'],
    [{ address: '路'.repeat(201) }, 400, 'invalid_field', 'address'],
    [{ address: ['数组'] }, 400, 'invalid_field', 'address'],
  ];
  for (const [change, status, code, field] of bad) {
    const body = { ...base, ...change };
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    expectError(await S.admin.post(`${A}/units`, body), status, code, field, JSON.stringify(change).slice(0, 60));
  }
  assert.equal(unitCount(), before, 'nothing created');

  const r = await S.admin.post(`${A}/units`, { ...base, credit_code: base.credit_code.toLowerCase() });
  assert.equal(r.status, 201, r.text);
  const u = r.body.unit;
  assert.equal(u.credit_code, base.credit_code);
  assert.deepEqual([u.name, u.address, u.has_union, u.union], [base.name, '中华路1号', false, null]);
  assert.deepEqual(u.district, { code: '350203', name: '思明区' });
  assert.deepEqual(u.street, { code: '350203003', name: '中华街道' });
  assert.ok(await auditHas('unit.create', `unit:${u.id}`));
  // The same code again (any case, any name): 409 on credit_code.
  expectError(await S.admin.post(`${A}/units`, { ...base, name: uname() }), 409, 'credit_code_taken', 'credit_code', 'duplicate');
  expectError(await S.platform.post(`${A}/units`, { ...base, credit_code: base.credit_code.toLowerCase() }), 409, 'credit_code_taken', 'credit_code', 'duplicate, lower case');
  // Without an address.
  const { address, ...noAddress } = base;
  const n = await S.admin.post(`${A}/units`, { ...noAddress, credit_code: creditCode() });
  assert.equal(n.status, 201, n.text);
  assert.equal(n.body.unit.address, '');
  // A worker finds the new unit at once.
  const w = await W.client.get(`/api/v1/units?q=${encodeURIComponent(base.name)}`);
  assert.equal(w.status, 200, w.text);
  assert.equal(w.body.items[0]?.id, u.id);
});

test('edit: grams follow a rename (1- and 2-character search), credit code immutable, place rules', async () => {
  // Rare characters so that a 1-character search is exact: 犇 in the old name, 龘 in the new.
  const u = await createUnit(S.admin, { name: '犇犇测试贸易有限公司' });
  const seen = async (q, c = S.admin) => (await listUnits(c, `q=${encodeURIComponent(q)}`)).items.map((x) => x.id);
  const workerSeen = async (q) => {
    const r = await W.client.get(`/api/v1/units?q=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200, r.text);
    return r.body.items.map((x) => x.id);
  };
  assert.deepEqual(await seen('犇'), [u.id]);
  assert.deepEqual(await seen('犇犇'), [u.id]);

  let r = await S.admin.post(`${A}/units/${u.id}`, { name: '龘鑫测试贸易有限公司' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.unit.name, '龘鑫测试贸易有限公司');
  for (const q of ['龘', '龘鑫', '龘鑫测试']) {
    assert.deepEqual(await seen(q), [u.id], `admin finds ${q}`);
    assert.deepEqual(await workerSeen(q), [u.id], `worker finds ${q}`);
  }
  for (const q of ['犇', '犇犇', '犇犇测试贸易有限公司']) {
    assert.deepEqual(await seen(q), [], `old ${q} gone`);
    assert.deepEqual(await workerSeen(q), [], `worker: old ${q} gone`);
  }
  // Credit-code parts still find it.
  assert.deepEqual(await workerSeen(u.credit_code.slice(-8)), [u.id]);
  assert.deepEqual(await seen(u.credit_code.slice(-6).toLowerCase()), [u.id]);
  assert.equal(Number(dbQuery(srv, `SELECT n FROM unit_gram_count WHERE gram = '犇犇' AND kind = 1`)[0]?.[0] ?? 0), 0);
  assert.equal(Number(dbQuery(srv, `SELECT n FROM unit_gram_count WHERE gram = '龘鑫' AND kind = 1`)[0][0]), 1);
  assertGramCounts();
  assert.ok(await auditHas('unit.update', `unit:${u.id}`));

  expectError(await S.admin.post(`${A}/units/${u.id}`, { credit_code: creditCode() }), 400, 'invalid_field', 'credit_code', 'immutable');
  expectError(await S.admin.post(`${A}/units/${u.id}`, { credit_code: u.credit_code }), 400, 'invalid_field', 'credit_code', 'even unchanged');
  expectError(await S.admin.post(`${A}/units/${u.id}`, { name: 'x' }), 400, 'invalid_field', 'name');
  expectError(await S.admin.post(`${A}/units/${u.id}`, { district_code: '350205' }), 400, 'invalid_field', 'street_code', 'district without its street');
  expectError(await S.admin.post(`${A}/units/${u.id}`, { district_code: '350203', street_code: '350206001' }), 400, 'invalid_field', 'street_code', 'street of another district');
  // A street alone keeps to its district; both together move it; an empty address clears it.
  r = await S.admin.post(`${A}/units/${u.id}`, { street_code: '350203010' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.body.unit.district.code, r.body.unit.street.code], ['350203', '350203010']);
  r = await S.admin.post(`${A}/units/${u.id}`, { address: '' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.unit.address, '');
  r = await S.platform.post(`${A}/units/${u.id}`, { district_code: '350206', street_code: '350206405', address: '火炬园1号' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.body.unit.district.name, r.body.unit.street.name, r.body.unit.address], ['湖里区', '火炬高技术开发区', '火炬园1号']);
  // Now outside 思明: 404 for its admin.
  expectError(await S.admin.post(`${A}/units/${u.id}`, { address: 'y' }), 404, 'not_found');
  // An unchanged edit changes nothing and still answers the unit.
  r = await S.platform.post(`${A}/units/${u.id}`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.unit.name, '龘鑫测试贸易有限公司');
  assertGramCounts();
});

// ---- 建会 and linking ----------------------------------------------------------------------

test('found-union: 已建会 with its grassroots union under the street union; held members move; a join routes there', async () => {
  const u = await createUnit(S.street, { name: uname('鹭建') });
  // Before 建会 a worker of the unit joins: the street union (厦港) reviews and holds the member.
  const early = await worker('早职工');
  const app = await joinWithUnit(early, u);
  assert.equal(app.org.id, ORG['350203001']);
  await approve(S.streetReviewer, app.id);

  const r = await S.street.post(`${A}/units/${u.id}/found-union`, {});
  assert.equal(r.status, 201, r.text);
  const { unit, org, moved_members } = r.body;
  assert.equal(moved_members, 1);
  assert.equal(unit.has_union, true);
  assert.equal(org.name, `${u.name}工会`);
  assert.equal(org.kind, 'grassroots');
  assert.equal(org.active, true);
  assert.deepEqual(unit.union, { id: org.id, code: org.code, name: org.name, active: true });
  assert.equal(Number(dbQuery(srv, `SELECT parent_id FROM org WHERE id = ${org.id}`)[0][0]), ORG['350203001']);
  assert.ok(await auditHas('unit.found_union', `unit:${u.id}`));
  // The held member now belongs to the new union, with the change in its history.
  const m = await early.client.get('/api/v1/membership');
  assert.equal(m.status, 200, m.text);
  assert.equal(m.body.membership.org.id, org.id);
  assert.ok(m.body.membership.events.some((e) => e.org === org.name && /单位建会/.test(e.note)), JSON.stringify(m.body.membership.events));
  // The tree shows it below the street union.
  const kids = await S.street.get(`${A}/orgs?parent_id=${ORG['350203001']}`);
  assert.ok(kids.body.items.some((o) => o.id === org.id && o.members === 1));

  // A worker of the unit now joins the new union.
  const w = await worker('建会后职工');
  const after = await joinWithUnit(w, unit);
  assert.equal(after.org.id, org.id);

  expectError(await S.street.post(`${A}/units/${u.id}/found-union`, {}), 409, 'has_union', undefined, 'twice');
  // A chosen name; a name the tree refuses.
  const v = await createUnit(S.admin);
  expectError(await S.admin.post(`${A}/units/${v.id}/found-union`, { name: '工' }), 400, 'invalid_field', 'name');
  expectError(await S.admin.post(`${A}/units/${v.id}/found-union`, { name: 7 }), 400, 'invalid_field', 'name');
  const long = await createUnit(S.admin, { name: '长'.repeat(59) + '公司' });
  expectError(await S.admin.post(`${A}/units/${long.id}/found-union`, {}), 400, 'invalid_field', 'name', 'default name over 60');
  const named = await S.admin.post(`${A}/units/${v.id}/found-union`, { name: '鹭岛联合测试工会' });
  assert.equal(named.status, 201, named.text);
  assert.equal(named.body.org.name, '鹭岛联合测试工会');
  assert.equal(named.body.moved_members, 0);
});

test('link-union: several units in one union (联合工会); unlink refused while members came through the unit', async () => {
  const a = await createUnit(S.admin, { street_code: '350203007' });
  const b = await createUnit(S.admin, { street_code: '350203007' });
  const founded = await S.admin.post(`${A}/units/${a.id}/found-union`, { name: '开元联合测试工会' });
  assert.equal(founded.status, 201, founded.text);
  const union = founded.body.org;
  // A member held by the street union for b moves into the union when b is linked.
  const held = await worker('待关联职工');
  const app = await joinWithUnit(held, b);
  assert.equal(app.org.id, ORG['350203007']);
  const reviewer = await staff('reviewer', '350203007', '开元审核');
  await approve(reviewer, app.id);

  let r = await S.admin.post(`${A}/units/${b.id}/link-union`, { org_id: union.id });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.moved_members, 1);
  assert.deepEqual(r.body.unit.union, { id: union.id, code: union.code, name: union.name, active: true });
  assert.ok(await auditHas('unit.link_union', `unit:${b.id}`));
  // Linking again to the same union changes nothing.
  r = await S.admin.post(`${A}/units/${b.id}/link-union`, { org_id: union.id });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.moved_members, 0);
  // Both units route their workers to the one union.
  const w = await worker('联合职工');
  assert.equal((await joinWithUnit(w, b)).org.id, union.id);

  // Not a grassroots union, not active, not in scope, not an integer.
  expectError(await S.admin.post(`${A}/units/${b.id}/link-union`, { org_id: ORG['350203007'] }), 400, 'invalid_field', 'org_id', 'a street union');
  const closed = await createOrg(S.admin, ORG['350203007'], '已停用测试工会');
  assert.equal((await S.admin.post(`${A}/orgs/${closed.id}/deactivate`, {})).status, 200);
  expectError(await S.admin.post(`${A}/units/${b.id}/link-union`, { org_id: closed.id }), 400, 'invalid_field', 'org_id', 'inactive');
  const foreign = await createOrg(S.platform, ORG['350205001'], '海沧测试工会');
  expectError(await S.admin.post(`${A}/units/${b.id}/link-union`, { org_id: foreign.id }), 404, 'not_found', undefined, 'union outside the scope');
  expectError(await S.admin.post(`${A}/units/${b.id}/link-union`, { org_id: String(union.id) }), 400, 'invalid_field', 'org_id', 'a string');
  expectError(await S.admin.post(`${A}/units/${b.id}/link-union`, { org_id: 1.5 }), 400, 'invalid_field', 'org_id', 'a fraction');
  expectError(await S.admin.post(`${A}/units/${b.id}/link-union`, {}), 400, 'required', 'org_id', 'absent');

  // b's member came through b: unlinking or relinking b would orphan it → 409, nothing changed.
  const other = await createOrg(S.admin, ORG['350203007'], '另一测试工会');
  for (const body of [{ org_id: null }, { org_id: other.id }]) {
    r = await S.admin.post(`${A}/units/${b.id}/link-union`, body);
    expectError(r, 409, 'members_attached', 'org_id', JSON.stringify(body));
    assert.match(r.body.error.message, /1名/);
  }
  assert.equal((await listUnits(S.admin, `q=${encodeURIComponent(b.name)}`)).items[0].union.id, union.id);
  // a has no members of its own: it may leave the union, which keeps b.
  r = await S.admin.post(`${A}/units/${a.id}/link-union`, { org_id: null });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.body.unit.has_union, r.body.unit.union], [false, null]);
  assert.ok(await auditHas('unit.unlink_union', `unit:${a.id}`));
  // Unlinking a unit without a union: nothing to do.
  r = await S.admin.post(`${A}/units/${a.id}/link-union`, { org_id: null });
  assert.equal(r.status, 200, r.text);
  // And it may be linked to another union, then back.
  r = await S.admin.post(`${A}/units/${a.id}/link-union`, { org_id: other.id });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.unit.union.id, other.id);
});

// ---- import --------------------------------------------------------------------------------

test('import: line-numbered errors, dry run changes nothing, a real import with errors imports nothing', async () => {
  const taken = await createUnit(S.admin);
  const dup = creditCode();
  const rows = [
    `${uname()},${creditCode()},思明区,厦港街道,厦港路1号`, // 2: by name
    `${uname()},${badCheck(creditCode())},350203,350203001,`, // 3: bad check character
    `${uname()},${creditCode()},鼓浪区,厦港街道,`, // 4: unknown district
    `${uname()},${creditCode()},350203,海沧街道,`, // 5: street of another district
    `${uname()},${dup},350203,350203003,`, // 6
    `${uname()},${dup.toLowerCase()},思明区,中华街道,`, // 7: the same code as line 6
    `${uname()},${taken.credit_code},350203,350203001,`, // 8: already registered
    `${uname()},${creditCode('350205')},海沧区,海沧街道,`, // 9: out of 思明's scope
    `厦,${creditCode()},350203,350203001,`, // 10: name too short
    `${uname()},${creditCode()},350203,350203099,`, // 11: unknown street
  ];
  const before = unitCount();
  let r = await importCsv(S.admin, csvOf(rows), true);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.dry_run, true);
  assert.equal(r.body.rows, 10);
  assert.equal(r.body.valid, 2);
  assert.equal(r.body.imported, 0);
  assert.equal(r.body.error_count, 8);
  assert.deepEqual(r.body.errors.map((e) => [e.line, e.field]), [
    [3, 'credit_code'], [4, 'district_code'], [5, 'street_code'], [7, 'credit_code'],
    [8, 'credit_code'], [9, 'street_code'], [10, 'name'], [11, 'street_code'],
  ]);
  for (const e of r.body.errors) assert.match(e.message, /[\u4e00-\u9fff]/);
  assert.match(r.body.errors[3].message, /第6行重复/);
  assert.match(r.body.errors[4].message, /已登记/);
  assert.match(r.body.errors[5].message, /不在您的管理范围内/);
  assert.match(r.body.errors[2].message, /海沧街道.*不属于思明区/);
  assert.equal(r.body.items.length, 10);
  assert.deepEqual(r.body.items[0].district, { code: '350203', name: '思明区' });
  assert.deepEqual(r.body.items[0].street, { code: '350203001', name: '厦港街道' });
  assert.deepEqual(r.body.items.map((i) => i.ok), [true, false, false, false, true, false, false, false, false, false]);
  assert.equal(unitCount(), before, 'dry run: nothing written');

  r = await importCsv(S.admin, csvOf(rows), false);
  expectErrorWithDetails(r);
  assert.equal(r.body.error.details.error_count, 8);
  assert.equal(unitCount(), before, 'all or nothing: the valid lines were not imported either');
  // The platform admin has the whole city: line 9 is fine for it.
  r = await importCsv(S.platform, csvOf(rows), true);
  assert.equal(r.body.error_count, 7);
  assert.ok(!r.body.errors.some((e) => e.line === 9));
});

function expectErrorWithDetails(r) {
  assert.equal(r.status, 422, r.text);
  assert.equal(r.body.error.code, 'import_invalid');
  assert.match(r.body.error.message, /未导入任何单位/);
  assert.ok(Array.isArray(r.body.error.details.errors));
}

test('import: fixed file imported in one go (BOM, CRLF, quotes, regions by name and code, any column order)', async () => {
  const names = [uname('鹭导'), uname('鹭导'), '厦门"引号",逗号测试有限公司', uname('鹭导')];
  const codes = [creditCode(), creditCode(), creditCode(), creditCode()];
  const lines = [
    `${names[0]},${codes[0]},思明区,厦港街道,厦港路2号`,
    `${names[1]},${codes[1].toLowerCase()},350203,350203012,"鼓浪屿, 龙头路"`,
    `"厦门""引号"",逗号测试有限公司",${codes[2]},思明区,350203009,`,
    '',
    `  ${names[3]}  ,${codes[3]}, 思明区 ,莲前街道,`,
  ];
  const csv = '\uFEFF' + ['单位名称,统一社会信用代码,所在区,所在镇街,地址', ...lines].join('\r\n') + '\r\n';
  const before = unitCount();
  let r = await importCsv(S.admin, csv, true);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.body.rows, r.body.valid, r.body.errors], [4, 4, []]);
  assert.deepEqual(r.body.items.map((i) => i.line), [2, 3, 4, 6]);
  assert.equal(unitCount(), before);
  r = await importCsv(S.admin, csv, false);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.body.dry_run, r.body.rows, r.body.imported], [false, 4, 4]);
  assert.equal(unitCount(), before + 4);
  for (let i = 0; i < 4; i++) {
    const found = (await listUnits(S.admin, `q=${encodeURIComponent(codes[i])}`)).items;
    assert.equal(found.length, 1, codes[i]);
    assert.equal(found[0].name, names[i]);
  }
  const kulangyu = (await listUnits(S.admin, `q=${codes[1]}`)).items[0];
  assert.deepEqual([kulangyu.street.name, kulangyu.address], ['鼓浪屿街道', '鼓浪屿, 龙头路']);
  // 1-character and 2-character search of an imported name.
  for (const q of ['鹭导', '导']) {
    assert.ok((await listUnits(S.admin, `q=${encodeURIComponent(q)}&page_size=50`)).items.some((u) => u.name === names[0]), q);
  }
  assert.ok(await auditHas('unit.import', 'units'));
  assertGramCounts();
  // The same file again: every line already registered.
  r = await importCsv(S.admin, csv, true);
  assert.deepEqual(r.body.errors.map((e) => e.line), [2, 3, 4, 6]);
  // Columns in another order, English headers.
  const c2 = creditCode();
  r = await importCsv(S.admin, csvOf([`350203,350203001,${c2},${uname()}`], 'district,street,credit_code,name'), false);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.imported, 1);
});

test('import: header, empty file, limits and broken CSV answer clearly', async () => {
  let r = await importCsv(S.admin, csvOf([`${uname()},${creditCode()},350203,350203001,`], '名称,代码,区,镇街'), true);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.errors.map((e) => e.line), [1]);
  assert.match(r.body.errors[0].message, /表头/);
  r = await importCsv(S.admin, csvOf([], '单位名称,统一社会信用代码,所在区'), true);
  assert.match(r.body.errors[0].message, /缺少“所在镇街”/);
  r = await importCsv(S.admin, csvOf([]), false);
  expectError(r, 422, 'import_empty', 'csv', 'header only');
  r = await importCsv(S.admin, '\n\n', true);
  assert.deepEqual(r.body.errors.map((e) => e.line), [1]);
  r = await importCsv(S.admin, csvOf([`${uname()},"${creditCode()},350203,350203001,`]), true);
  assert.equal(r.status, 200, r.text);
  assert.match(r.body.errors.at(-1).message, /CSV格式错误/);
  assert.equal(r.body.errors.at(-1).line, 2);
  // Too many rows.
  const many = Array.from({ length: 5001 }, () => `${uname()},${creditCode()},350203,350203001,`);
  r = await importCsv(S.admin, csvOf(many), true);
  assert.equal(r.status, 200);
  assert.equal(r.body.rows, 5000);
  assert.match(r.body.errors.at(-1).message, /一次最多导入5000个单位/);
  assert.equal(r.body.errors.at(-1).line, 5002);
  assert.equal(r.body.items.length, 200, 'the preview is capped');
});

// ---- hostile input --------------------------------------------------------------------------

test('hostile input: 4xx with the error shape, nothing changed, the server stays up', async () => {
  const before = unitCount();
  const u = await createUnit(S.admin);
  const probes = [
    [() => S.admin.get(`${A}/units?q=${'字'.repeat(51)}`), 400, 'q'],
    [() => S.admin.get(`${A}/units?q=%E5%AD`), 400],
    [() => S.admin.get(`${A}/units?has_union=maybe`), 400, 'has_union'],
    [() => S.admin.get(`${A}/units?district_code=${encodeURIComponent("350203' OR 1=1 --")}`), 400, 'district_code'],
    [() => S.admin.get(`${A}/units?district_code=350203&street_code=350205001`), 400, 'street_code'],
    [() => S.admin.get(`${A}/units?page=0`), 400, 'page'],
    [() => S.admin.get(`${A}/units?page=999`), 400, 'page'],
    [() => S.admin.get(`${A}/units?page_size=51`), 400, 'page_size'],
    [() => S.admin.post(`${A}/units/abc`, { address: 'x' }), 404],
    [() => S.admin.post(`${A}/units/-1`, { address: 'x' }), 404],
    [() => S.admin.post(`${A}/units/99999999999999`, { address: 'x' }), 404],
    [() => S.admin.post(`${A}/units/${u.id}x/found-union`, {}), 404],
    [() => S.admin.post(`${A}/units`, '{"name":'), 400],
    [() => S.admin.post(`${A}/units`, '[]'), 400],
    [() => S.admin.post(`${A}/units`, { name: uname(), credit_code: { $ne: 1 }, district_code: '350203', street_code: '350203001' }), 400, 'credit_code'],
    [() => S.admin.post(`${A}/units`, { name: "'); DROP TABLE unit; --", credit_code: creditCode(), district_code: '350203', street_code: "350203001' --" }), 400, 'street_code'],
    [() => S.admin.post(`${A}/units/import`, {}), 400, 'csv'],
    [() => S.admin.post(`${A}/units/import`, { csv: 42 }), 400, 'csv'],
    [() => S.admin.post(`${A}/units/import`, { csv: csvOf([]), dry_run: 'yes' }), 400, 'dry_run'],
    [() => S.admin.post(`${A}/units/import`, { csv: 'a\u0000b', dry_run: true }), 400], // jansson refuses NUL
    [() => S.admin.post(`${A}/units/${u.id}/link-union`, { org_id: { id: 1 } }), 400, 'org_id'],
  ];
  for (const [call, status, field] of probes) {
    const r = await call();
    assert.equal(r.status, status, `${call} → ${r.text}`);
    assertErrorShape(r, String(call));
    if (field) assert.equal(r.body.error.field, field, String(call));
  }
  // The route takes up to 4 MiB (a CSV file), more is refused before it is read.
  const MiB = 1024 * 1024;
  const near = await S.admin.post(`${A}/units/import`, { csv: csvOf([]) + 'x'.repeat(4 * MiB - 200), dry_run: true });
  assert.equal(near.status, 200, near.text.slice(0, 200));
  assert.match(near.body.errors[0].message, /CSV格式错误/);
  expectError(await postExpectContinue(srv, `${A}/units/import`, JSON.stringify({ csv: 'x'.repeat(4 * MiB), dry_run: true })), 413, 'body_too_large');
  // Text that looks like SQL is only text.
  const q = await listUnits(S.admin, `q=${encodeURIComponent("' OR '1'='1")}`);
  assert.equal(q.total, 0);
  const odd = await S.admin.post(`${A}/units`, { name: "<script>alert(1)</script>'; --", credit_code: creditCode(), district_code: '350203', street_code: '350203001' });
  assert.equal(odd.status, 201, odd.text);
  assert.equal(odd.body.unit.name, "<script>alert(1)</script>'; --");
  // CSV cells that look like formulas or SQL are text; an over-long line is refused, not truncated.
  let r = await importCsv(S.admin, csvOf([`=HYPERLINK("x"),${creditCode()},350203,350203001,`, `${'长'.repeat(6000)},${creditCode()},350203,350203001,`]), true);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.errors[0].line, 3);
  assert.equal(unitCount(), before + 2);
  assert.equal((await fetch(srv.url + '/healthz')).status, 200);
});

// ---- routing around deactivated unions -------------------------------------------------------

test('routing: a deactivated union never receives a new application', async () => {
  // 1. A unit whose union was deactivated through the tree: the unit is unlinked, the street
  //    union (莲前) reviews.
  const u = await createUnit(S.admin, { street_code: '350203010' });
  let r = await S.admin.post(`${A}/units/${u.id}/found-union`, {});
  assert.equal(r.status, 201, r.text);
  const union = r.body.org;
  assert.equal((await joinWithUnit(await worker('甲职工'), u)).org.id, union.id);
  r = await S.admin.post(`${A}/orgs/${union.id}/deactivate`, { move_to: ORG['350203010'] });
  assert.equal(r.status, 200, r.text);
  assert.equal((await joinWithUnit(await worker('乙职工'), u)).org.id, ORG['350203010']);

  // 2. A union marked inactive while a unit still points at it (data from elsewhere): the
  //    routing itself skips it.
  const v = await createUnit(S.admin, { street_code: '350203011' });
  r = await S.admin.post(`${A}/units/${v.id}/found-union`, {});
  assert.equal(r.status, 201, r.text);
  dbQuery(srv, `UPDATE org SET active = 0 WHERE id = ${r.body.org.id}`);
  assert.equal((await joinWithUnit(await worker('丙职工'), v)).org.id, ORG['350203011']);

  // 3. A street union deactivated (its grassroots unions first): its nearest active ancestor,
  //    the district federation, receives joins of that street — with and without a unit.
  const street = '350212001'; // 同安区 › 大同街道
  const kids = await S.platform.get(`${A}/orgs?parent_id=${ORG[street]}`);
  for (const k of kids.body.items.filter((o) => o.active)) {
    const d = await S.platform.post(`${A}/orgs/${k.id}/deactivate`, k.members ? { move_to: ORG[street] } : {});
    assert.equal(d.status, 200, d.text);
  }
  const w = await S.platform.post(`${A}/units`, { name: uname('同安'), credit_code: creditCode('350212'), district_code: '350212', street_code: street });
  assert.equal(w.status, 201, w.text);
  r = await S.platform.post(`${A}/orgs/${ORG[street]}/deactivate`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal((await joinWithout(await worker('丁职工'), street)).org.id, ORG['350212']);
  assert.equal((await joinWithUnit(await worker('戊职工'), w.body.unit)).org.id, ORG['350212']);
  // 建会 for a unit there goes under the district federation, which took over.
  r = await S.platform.post(`${A}/units/${w.body.unit.id}/found-union`, {});
  assert.equal(r.status, 201, r.text);
  assert.equal(Number(dbQuery(srv, `SELECT parent_id FROM org WHERE id = ${r.body.org.id}`)[0][0]), ORG['350212']);
  assert.equal((await joinWithUnit(await worker('己职工'), w.body.unit)).org.id, r.body.org.id);

  // 4. 会籍变更 转入单位未建会 to that street: the district federation again.
  const m = await worker('庚职工');
  const japp = await joinWithout(m, '350203001');
  await approve(S.streetReviewer, japp.id);
  const nounion = await S.platform.post(`${A}/units`, { name: uname('同安'), credit_code: creditCode('350212'), district_code: '350212', street_code: street });
  assert.equal(nounion.status, 201, nounion.text);
  const c = await m.client.post('/api/v1/transfer/consent', { version: '2026-11' });
  assert.equal(c.status, 201, c.text);
  r = await m.client.post('/api/v1/applications', {
    kind: 'transfer', consent_id: c.body.consent_id, request_id: randomUUID(), submit: true,
    data: { reason: 'no_union_unit', unit_id: nounion.body.unit.id, unit_district: '350212', unit_street: street },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.application.org.id, ORG['350212']);
  assertGramCounts();
});
