// Back office administration (SPEC §1, §2, §7; docs/api.md "Back office administration"): the
// role matrix of every admin endpoint, the organisation tree (lazy listing, create, rename, move,
// deactivate with members and open applications moved), staff accounts (passwords by SMS only,
// disable, reset), the member register and its CSV export, the audit log, the dashboard's
// figures (decision times, overdue by working days and holidays) and hostile input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as pathJoin } from 'node:path';
import { startServer, repoRoot, sleep } from '../lib/server.mjs';
import { Client, staffClient, staffPasswordStep } from '../lib/client.mjs';
import { addStaff, assertErrorShape, createOrg, dbQuery, decide, expectError, fileJoin, freshId, freshPhone, joinPlace, maskId, maskPhone, register } from './helpers.mjs';

const CLI_PASSWORD = 'Passw0rdXyz1';
const A = '/api/v1/admin';

let srv;
let assets; // a copy of data/ so that the dashboard test may write holidays.txt
let ORG = {}; // org code → id (seeded organisations)
const S = {}; // staff clients
let W; // a worker with a cookie session
const WHO = ['platform', 'admin', 'other', 'reviewer', 'worker', 'anon'];

// ---- helpers -------------------------------------------------------------------------------

let nameCounter = 0;
const CJK = '零一二三四五六七八九';
// A unique Chinese name: prefix + the counter in Chinese digits.
function uname(prefix) {
  nameCounter++;
  return prefix + String(nameCounter).split('').map((d) => CJK[d]).join('');
}

async function login(phone, password, extra = {}) {
  const { client: c, response: r } = await staffClient(srv, { phone, password }, extra);
  assert.equal(r.status, 200, `login ${phone}: ${r.text}`);
  c.staff = r.body.staff;
  c.phone = phone;
  c.password = password;
  if (r.body.token) c.bearer = r.body.token;
  return c;
}

async function relogin(c) {
  const { client: fresh, response: r } = await staffClient(srv, { phone: c.phone, password: c.password });
  assert.equal(r.status, 200, `relogin ${c.staff?.name}: ${r.text}`);
  c.cookies = fresh.cookies;
  c.csrf = fresh.csrf;
}

// A staff account added with the CLI (as an operator would), logged in.
async function cliStaff(role, org, name) {
  const phone = freshPhone('15');
  const r = addStaff(srv, { role, phone, name, org });
  assert.equal(r.status, 0, 'user add: ' + r.stderr);
  return login(phone, CLI_PASSWORD);
}

// Every worker comes from its own client address (through the trusted proxy) so that the
// per-address SMS caps never bite.
let addr = 0;
async function worker(name, idNumber = freshId()) {
  addr++;
  const client = new Client(srv.url);
  client.headers['X-Forwarded-For'] = `10.77.${addr >> 8}.${addr & 255}`;
  return register(srv, { client, idNumber, name: name || uname('职工') });
}

async function reloginWorker(w) {
  w.client.cookies.clear();
  w.client.csrf = null;
  const r = await w.client.post('/api/v1/auth/password-login', { username: w.phone, password: w.password });
  assert.equal(r.status, 200, r.text);
}

// A join application with no fixed unit: routed to the street union of `street`.
const join = (w, street, opts) => fileJoin(w.client, joinPlace(street), opts);

async function decided(c, id, action, reason) {
  const r = await decide(c, id, action, reason);
  assert.equal(r.status, 200, `${c.staff.name} ${action}: ${r.text}`);
  return r.body.application;
}

// A worker who joined the street union `street`, approved by `reviewer`.
async function member(street, reviewer, name) {
  const w = await worker(name);
  const app = await join(w, street);
  await decided(reviewer, app.id, 'approve');
  return { ...w, app };
}

const smsTo = (phone) => srv.sms().filter((m) => m.to === phone);
// The password messages (initial or reset) to a staff phone, without its login codes.
const passwordSms = (phone) => smsTo(phone).filter((m) => /初始密码|新密码/.test(m.text));

// The password in the n-th password SMS to a staff phone; never a 6-digit code.
async function smsPassword(phone, n) {
  const until = Date.now() + 10000;
  while (passwordSms(phone).length < n) {
    if (Date.now() > until) throw new Error(`expected ${n} password SMS to ${phone}`);
    await sleep(25);
  }
  const text = passwordSms(phone)[n - 1].text;
  const m = text.match(/(?:初始密码|新密码)：([A-Za-z0-9]{8,64})/);
  assert.ok(m, 'a password in the SMS: ' + text);
  return m[1];
}

async function listOrgs(c, parentId) {
  const r = await c.get(`${A}/orgs${parentId ? `?parent_id=${parentId}` : ''}`);
  assert.equal(r.status, 200, r.text);
  return r.body;
}


async function auditFind(qs) {
  const r = await S.platform.get(`${A}/audit?${qs}`);
  assert.equal(r.status, 200, r.text);
  return r.body;
}

// The CSV export as bytes (fetch's text() would drop the BOM).
async function exportCsv(c, qs = '') {
  const res = await fetch(`${srv.url}${A}/members/export${qs ? '?' + qs : ''}`, { headers: c.cookies.size ? { Cookie: c.cookieHeader() } : {} });
  const buf = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type') || '', buf, text: buf.toString('utf8') };
}
function csvRows(text) {
  assert.equal(text.charCodeAt(0), 0xfeff, 'UTF-8 BOM first');
  const lines = text.slice(1).split('\r\n');
  assert.equal(lines.at(-1), '', 'CRLF line ends, the last too');
  return lines.slice(0, -1).map((l) => [...l.matchAll(/"((?:[^"]|"")*)"|([^,]+)/g)].map((m) => (m[1] ?? m[2]).replace(/""/g, '"')));
}

const MASKED_PHONE = /^1\d{2}\*{4}\d{4}$/;
const MASKED_ID = /^\d{4}\*{10}\d{3}[\dX]$/;

// The subtree of an organisation (ids), read from the database.
function subtreeIds(code) {
  const rows = dbQuery(srv, 'SELECT id, parent_id, code FROM org');
  const root = rows.find((r) => r[2] === code);
  const ids = new Set([Number(root[0])]);
  for (let grew = true; grew;) {
    grew = false;
    for (const r of rows) if (r[1] && ids.has(Number(r[1])) && !ids.has(Number(r[0]))) { ids.add(Number(r[0])); grew = true; }
  }
  return ids;
}

// ---- setup ---------------------------------------------------------------------------------

before(async () => {
  assets = mkdtempSync(pathJoin(tmpdir(), 'gonghui-assets-'));
  for (const f of ['xiamen-regions.csv', 'privacy-notice.txt']) copyFileSync(pathJoin(repoRoot, 'data', f), pathJoin(assets, f));
  srv = await startServer({ env: { GONGHUI_TRUSTED_PROXIES: '127.0.0.1/32', GONGHUI_ASSETS_DIR: assets } });
  ORG = Object.fromEntries(dbQuery(srv, 'SELECT code, id FROM org').map(([code, id]) => [code, Number(id)]));
  const made = await Promise.all([
    cliStaff('platform_admin', '350200', '平台管理'),
    cliStaff('org_admin', '350203', '思明管理'),
    cliStaff('org_admin', '350205', '海沧管理'),
    cliStaff('reviewer', '350203007', '开元审核'),
    cliStaff('reviewer', '350203005', '滨海审核'),
    cliStaff('reviewer', '350205001', '海沧审核'),
    cliStaff('org_admin', '350203', '思明副管'),
    cliStaff('org_admin', '350213404', '农场管理'),
    cliStaff('reviewer', '350213404', '农场审核'),
  ]);
  [S.platform, S.admin, S.other, S.reviewer, S.r5, S.rh, S.admin2, S.farmAdmin, S.farmReviewer] = made;
  W = await worker('钱职工');
});

after(async () => {
  await srv?.stop();
  if (assets) rmSync(assets, { recursive: true, force: true });
});

function client(who) {
  return { platform: S.platform, admin: S.admin, other: S.other, reviewer: S.reviewer, worker: W.client, anon: new Client(srv.url) }[who];
}

// A denial: the error shape and nothing of any organisation in it.
function denied(r, status, label) {
  const code = { 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found' }[status];
  expectError(r, status, code, undefined, label);
  assert.doesNotMatch(r.text, /思明|海沧|开元|滨海|街道|1[3-9]\d{9}|\*{4}/, `${label}: nothing leaks: ${r.text}`);
}

// ---- the role matrix -----------------------------------------------------------------------

test('role matrix: every admin endpoint × platform admin, org admin, another district\'s admin, reviewer, worker, anonymous', async () => {
  const street = ORG['350203007'];
  const siming = subtreeIds('350203');
  // Fixtures: a member below 思明 and one below 海沧; orgs to rename and deactivate; a reviewer.
  const sm = await member('350203007', S.reviewer, '孔思明');
  const hc = await member('350205001', S.rh, '孔海沧');
  const target = await createOrg(S.platform, street, '矩阵改名工会');
  const toClose = {};
  for (const who of WHO) toClose[who] = await createOrg(S.platform, street, uname('矩阵停用'));
  const tPhone = freshPhone('15');
  assert.equal(addStaff(srv, { role: 'reviewer', phone: tPhone, name: '矩阵审核', org: '350203007' }).status, 0);
  const tId = Number(dbQuery(srv, `SELECT id FROM staff WHERE phone = '${tPhone}'`)[0][0]);
  const created = {};

  const ok = (code) => ({ platform: code, admin: code, other: 404, reviewer: 403, worker: 401, anon: 401 });
  const listing = { platform: 200, admin: 200, other: 200, reviewer: 403, worker: 401, anon: 401 };
  const endpoints = [
    {
      name: 'GET orgs', expect: listing, call: (c) => c.get(`${A}/orgs`),
      check(who, r) {
        const root = { platform: '350200', admin: '350203', other: '350205' }[who];
        assert.equal(r.body.parent.code, root);
        if (who === 'other') assert.doesNotMatch(r.text, /思明/);
      },
    },
    {
      name: 'GET orgs?parent_id=思明 street', expect: ok(200), call: (c) => c.get(`${A}/orgs?parent_id=${street}`),
      check(who, r) { assert.equal(r.body.parent.code, '350203007'); },
    },
    {
      name: 'POST orgs', expect: ok(201),
      call: (c, who) => c.post(`${A}/orgs`, { parent_id: street, name: `矩阵新建${{ platform: '甲', admin: '乙', other: '丙', reviewer: '丁', worker: '戊', anon: '己' }[who]}工会`, kind: 'grassroots' }),
      check(who, r) { created[who] = r.body.org; assert.match(r.body.org.code, /^G\d{10}$/); },
    },
    {
      name: 'POST orgs/:id (rename)', expect: ok(200), call: (c, who) => c.post(`${A}/orgs/${target.id}`, { name: `矩阵改名${who}` }),
      check(who, r) { assert.equal(r.body.org.name, `矩阵改名${who}`); },
    },
    {
      name: 'POST orgs/:id/deactivate', expect: ok(200), call: (c, who) => c.post(`${A}/orgs/${toClose[who].id}/deactivate`, {}),
      check(who, r) { assert.deepEqual(r.body, { status: 'ok', moved_members: 0, moved_applications: 0 }); },
    },
    {
      name: 'GET staff', expect: listing, call: (c) => c.get(`${A}/staff`),
      check(who, r) {
        for (const s of r.body.items) assert.match(s.phone, MASKED_PHONE);
        const names = r.body.items.map((s) => s.name);
        if (who === 'other') {
          assert.ok(names.includes('海沧审核'));
          assert.ok(!names.some((n) => ['思明管理', '开元审核', '矩阵审核', '平台管理'].includes(n)), names.join());
          assert.doesNotMatch(r.text, /思明/);
        }
        if (who === 'admin') {
          assert.ok(names.includes('矩阵审核') && names.includes('开元审核'));
          assert.ok(!names.includes('海沧审核') && !names.includes('平台管理'));
          for (const s of r.body.items) assert.ok(siming.has(s.org.id), `${s.name} is below 思明`);
        }
        if (who === 'platform') assert.ok(names.includes('海沧审核') && names.includes('矩阵审核'));
      },
    },
    {
      name: 'POST staff', expect: ok(201),
      call: (c, who) => { created[who + 'Phone'] = freshPhone('15'); return c.post(`${A}/staff`, { phone: created[who + 'Phone'], name: '矩阵新人', role: 'reviewer', org_id: street }); },
      check(who, r) { assert.equal(r.body.staff.role, 'reviewer'); assert.equal(r.body.staff.phone, maskPhone(created[who + 'Phone'])); },
    },
    { name: 'POST staff/:id', expect: ok(200), call: (c) => c.post(`${A}/staff/${tId}`, { disabled: false }), check(who, r) { assert.deepEqual(r.body, { status: 'ok' }); } },
    { name: 'POST staff/:id/reset-password', expect: ok(200), call: (c) => c.post(`${A}/staff/${tId}/reset-password`, {}), check(who, r) { assert.equal(r.body.status, 'ok'); } },
    {
      name: 'GET members', expect: listing, call: (c) => c.get(`${A}/members`),
      check(who, r) {
        const names = r.body.items.map((m) => m.name);
        if (who !== 'other') assert.ok(names.includes('孔思明'));
        assert.equal(names.includes('孔海沧'), who !== 'admin');
        if (who === 'other') assert.ok(!names.includes('孔思明'));
      },
    },
    {
      name: 'GET members/export', expect: listing, call: (c) => c.get(`${A}/members/export`),
      check(who, r) {
        assert.match(r.headers.get('content-type'), /^text\/csv/);
        assert.equal(r.text.includes('孔思明'), who !== 'other');
        assert.equal(r.text.includes('孔海沧'), who !== 'admin');
      },
    },
    { name: 'GET audit', expect: { platform: 200, admin: 403, other: 403, reviewer: 403, worker: 401, anon: 401 }, call: (c) => c.get(`${A}/audit`), check(who, r) { assert.ok(r.body.total > 0); } },
    {
      name: 'GET dashboard', expect: listing, call: (c) => c.get(`${A}/dashboard`),
      check(who, r) {
        for (const k of ['members_by_status', 'members_by_org', 'applications_by_status', 'decision_time', 'overdue_15_working_days']) assert.ok(k in r.body, k);
        if (who === 'other') assert.doesNotMatch(r.text, /思明|开元/);
        if (who === 'admin') assert.doesNotMatch(r.text, /海沧/);
      },
    },
  ];
  for (const ep of endpoints) {
    for (const who of WHO) {
      const r = await ep.call(client(who), who);
      const want = ep.expect[who];
      const label = `${ep.name} as ${who}`;
      if (want >= 400) {
        denied(r, want, label);
      } else {
        assert.equal(r.status, want, `${label}: ${r.text.slice(0, 300)}`);
        ep.check(who, r);
      }
    }
  }
  // The denied calls changed nothing.
  const kids = (await listOrgs(S.admin, street)).items;
  const names = kids.map((o) => o.name);
  assert.ok(names.includes('矩阵新建甲工会') && names.includes('矩阵新建乙工会'));
  for (const n of ['丙', '丁', '戊', '己']) assert.ok(!names.includes(`矩阵新建${n}工会`), n);
  assert.equal(kids.find((o) => o.id === target.id).name, '矩阵改名admin');
  for (const who of WHO) assert.equal(kids.find((o) => o.id === toClose[who].id).active, !(who === 'platform' || who === 'admin'), who);
  for (const who of ['other', 'reviewer', 'worker', 'anon']) {
    assert.equal(dbQuery(srv, `SELECT COUNT(*) FROM staff WHERE phone = '${created[who + 'Phone']}'`)[0][0], '0', who);
    assert.equal(smsTo(created[who + 'Phone']).length, 0, who);
  }
  await smsPassword(tPhone, 2); // one reset by the platform admin, one by the org admin
  await sleep(100);
  assert.equal(smsTo(tPhone).length, 2, 'no reset SMS for the denied ones');
  assert.ok(!smsTo(sm.phone).some((m) => /密码/.test(m.text)) && !smsTo(hc.phone).some((m) => /密码/.test(m.text)));
});

// ---- the organisation tree -----------------------------------------------------------------

test('org tree: lazy listing, create, rename, move (not into its own subtree, not the root, not under a grassroots union)', async () => {
  // The admin's own organisation when parent_id is absent; direct children only.
  let t = await listOrgs(S.admin);
  assert.deepEqual(t.parent, { id: ORG['350203'], code: '350203', name: '思明区总工会', kind: 'district', active: true });
  const streets = dbQuery(srv, `SELECT code FROM org WHERE parent_id = ${ORG['350203']} ORDER BY code`).map((r) => r[0]);
  assert.deepEqual(t.items.map((o) => o.code), streets);
  for (const o of t.items) {
    assert.deepEqual(Object.keys(o).sort(), ['active', 'children', 'code', 'id', 'kind', 'members', 'name']);
    assert.equal(o.kind, 'street');
    assert.ok(Number.isInteger(o.children) && Number.isInteger(o.members));
  }
  const xiagang = t.items.find((o) => o.code === '350203001');
  assert.ok(xiagang.children >= 1, 'the seeded grassroots union below 厦港街道');
  t = await listOrgs(S.admin, xiagang.id);
  assert.equal(t.parent.code, '350203001');
  assert.equal(t.items.length, xiagang.children);
  assert.ok(t.items.every((o) => o.kind === 'grassroots' && o.children === 0));
  // The platform admin's root is the city; its children are the districts.
  t = await listOrgs(S.platform);
  assert.equal(t.parent.code, '350200');
  assert.ok(t.items.every((o) => o.kind === 'district'));
  assert.ok(t.items.some((o) => o.code === '350203' && o.children === streets.length));

  // Create: a street-level union under the district, a street under it, a grassroots union.
  const s1 = await createOrg(S.admin, ORG['350203'], '思明测试联合工会', 'street');
  assert.deepEqual({ ...s1, code: 'x' }, { id: s1.id, code: 'x', name: '思明测试联合工会', kind: 'street', active: true, children: 0, members: 0 });
  assert.match(s1.code, /^G\d{10}$/);
  const s2 = await createOrg(S.admin, s1.id, '思明测试园区工会', 'street');
  const g = await createOrg(S.admin, s2.id, '思明测试基层工会');
  assert.equal(g.kind, 'grassroots');
  assert.notEqual(g.code, s2.code);
  t = await listOrgs(S.admin, s1.id);
  assert.deepEqual(t.items.map((o) => [o.id, o.children]), [[s2.id, 1]]);
  // Nothing below a grassroots union.
  expectError(await S.admin.post(`${A}/orgs`, { parent_id: g.id, name: '基层下级工会', kind: 'grassroots' }), 400, 'invalid_field', 'parent_id');
  expectError(await S.admin.post(`${A}/orgs`, { parent_id: g.id, name: '基层下级工会', kind: 'street' }), 400, 'invalid_field', 'parent_id');
  // Another district is outside: 404.
  denied(await S.admin.post(`${A}/orgs`, { parent_id: ORG['350205001'], name: '越界工会', kind: 'grassroots' }), 404, 'create outside');
  denied(await S.admin.get(`${A}/orgs?parent_id=${ORG['350205']}`), 404, 'list outside');
  denied(await S.admin.get(`${A}/orgs?parent_id=${ORG['350200']}`), 404, 'list above the root');

  // Rename.
  let r = await S.admin.post(`${A}/orgs/${g.id}`, { name: '思明测试改名工会' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.org.name, '思明测试改名工会');
  assert.equal(r.body.org.code, g.code);
  assert.equal((await listOrgs(S.admin, s2.id)).items[0].name, '思明测试改名工会');
  // Move a grassroots union to another street.
  r = await S.admin.post(`${A}/orgs/${g.id}`, { parent_id: ORG['350203006'] });
  assert.equal(r.status, 200, r.text);
  assert.equal((await listOrgs(S.admin, s2.id)).items.length, 0);
  assert.ok((await listOrgs(S.admin, ORG['350203006'])).items.some((o) => o.id === g.id));
  // Rename and move at once, back under s2.
  r = await S.admin.post(`${A}/orgs/${g.id}`, { name: '思明测试基层工会', parent_id: s2.id });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual((await listOrgs(S.admin, s2.id)).items.map((o) => o.name), ['思明测试基层工会']);

  // Refused moves: into itself or its own subtree, the admin's own root, under a grassroots union.
  const refused = [
    [s1.id, s1.id, 'into itself'], [s1.id, s2.id, 'into its own child'], [s1.id, g.id, 'into its grandchild'],
    [ORG['350203'], s1.id, 'the root'], [ORG['350203'], ORG['350203007'], 'the root elsewhere'],
    [s2.id, g.id, 'under a grassroots union'],
    [s2.id, dbQuery(srv, `SELECT id FROM org WHERE kind = 'grassroots' AND parent_id = ${xiagang.id} LIMIT 1`)[0][0], 'under a seeded grassroots union'],
  ];
  for (const [id, parent, label] of refused) {
    r = await S.admin.post(`${A}/orgs/${id}`, { parent_id: Number(parent) });
    expectError(r, 400, 'invalid_field', 'parent_id', label);
  }
  // The platform admin cannot move the city either.
  expectError(await S.platform.post(`${A}/orgs/${ORG['350200']}`, { parent_id: ORG['350203'] }), 400, 'invalid_field', 'parent_id', 'the city');
  // Out of scope: the other district's admin sees none of it; this admin cannot move into 海沧.
  denied(await S.admin.post(`${A}/orgs/${s2.id}`, { parent_id: ORG['350205'] }), 404, 'move into another district');
  denied(await S.other.post(`${A}/orgs/${s2.id}`, { parent_id: ORG['350205'] }), 404, 'move from another district');
  denied(await S.other.post(`${A}/orgs/${s2.id}`, { name: '偷改名' }), 404, 'rename from another district');
  // Nothing changed.
  t = await listOrgs(S.admin, s1.id);
  assert.deepEqual(t.items.map((o) => [o.id, o.name, o.children]), [[s2.id, '思明测试园区工会', 1]]);
  assert.equal((await listOrgs(S.platform)).parent.code, '350200');
  assert.equal((await listOrgs(S.admin)).parent.code, '350203');

  // The platform admin moves s2 into 海沧: it leaves the 思明 admin's scope with its subtree.
  r = await S.platform.post(`${A}/orgs/${s2.id}`, { parent_id: ORG['350205'] });
  assert.equal(r.status, 200, r.text);
  denied(await S.admin.get(`${A}/orgs?parent_id=${s2.id}`), 404, 'moved away');
  denied(await S.admin.post(`${A}/orgs/${g.id}`, { name: '已移走工会' }), 404, 'moved away (child)');
  assert.ok((await listOrgs(S.other)).items.some((o) => o.id === s2.id), 'now below 海沧');
  assert.deepEqual((await listOrgs(S.other, s2.id)).items.map((o) => o.id), [g.id]);

  // Every change is in the audit log, by whom.
  for (const [action, target, actor] of [
    ['org.create', s1.code, S.admin], ['org.create', g.code, S.admin], ['org.rename', g.code, S.admin],
    ['org.move', g.code, S.admin], ['org.move', s2.code, S.platform],
  ]) {
    const a = await auditFind(`action=${action}&target=${target}`);
    assert.ok(a.total >= 1, `${action} ${target}`);
    assert.ok(a.items.every((x) => x.action === action && x.target === target && x.actor_kind === 'staff'));
    assert.ok(a.items.some((x) => x.actor_id === actor.staff.id), `${action} by ${actor.staff.name}`);
  }
  // Refused moves wrote nothing.
  assert.equal((await auditFind(`action=org.move&target=${s1.code}`)).total, 0);
});

test('org deactivation: must_move with counts, move_to carries members (history) and open applications (receiving queue); has_children', async () => {
  const binhai = ORG['350203005'];
  // Below 滨海街道: one member, one submitted and one accepted (办理中) application, a draft.
  const m1 = await member('350203005', S.r5, '滨海会员');
  const w2 = await worker('滨海递交');
  const a2 = await join(w2, '350203005');
  const w3 = await worker('滨海办理');
  const a3 = await join(w3, '350203005');
  await decided(S.r5, a3.id, 'accept');
  const w4 = await worker('滨海草稿');
  await join(w4, '350203005', { submit: false });
  const m1Before = (await m1.client.get('/api/v1/membership')).body.membership;
  assert.equal(m1Before.org.id, binhai);

  // The receiving union: a new grassroots union below 厦港街道, with its reviewer.
  const recv = await createOrg(S.admin, ORG['350203001'], '思明接收基层工会');
  const rvPhone = freshPhone('15');
  assert.equal(addStaff(srv, { role: 'reviewer', phone: rvPhone, name: '接收审核', org: recv.code }).status, 0);
  const rv = await login(rvPhone, CLI_PASSWORD);

  // Without move_to: 409 must_move with the counts (drafts are not open applications).
  let r = await S.admin.post(`${A}/orgs/${binhai}/deactivate`, {});
  assert.equal(r.status, 409, r.text);
  assert.equal(r.body.error.code, 'must_move');
  assert.equal(r.body.error.field, 'move_to');
  assert.equal(r.body.error.members, 1);
  assert.equal(r.body.error.open_applications, 2);
  assert.match(r.body.error.message, /1名会员/);
  assert.match(r.body.error.message, /2件/);
  for (const body of [{ move_to: null }]) {
    r = await S.admin.post(`${A}/orgs/${binhai}/deactivate`, body);
    assert.equal(r.body?.error?.code, 'must_move', JSON.stringify(body));
  }
  // Bad receivers: another district (404), itself, an inactive one, a string.
  denied(await S.admin.post(`${A}/orgs/${binhai}/deactivate`, { move_to: ORG['350205001'] }), 404, 'move_to outside');
  expectError(await S.admin.post(`${A}/orgs/${binhai}/deactivate`, { move_to: binhai }), 400, 'invalid_field', 'move_to', 'itself');
  const closed = await createOrg(S.admin, ORG['350203001'], '思明已停工会');
  assert.equal((await S.admin.post(`${A}/orgs/${closed.id}/deactivate`, {})).status, 200);
  expectError(await S.admin.post(`${A}/orgs/${binhai}/deactivate`, { move_to: closed.id }), 400, 'invalid_field', 'move_to', 'inactive');
  expectError(await S.admin.post(`${A}/orgs/${binhai}/deactivate`, { move_to: String(recv.id) }), 400, 'invalid_field', 'move_to', 'a string');
  expectError(await S.admin.post(`${A}/orgs/${binhai}/deactivate`, { move_to: recv.id + 0.5 }), 400, 'invalid_field', 'move_to', 'a fraction');
  // Still active, nothing moved.
  let kids = (await listOrgs(S.admin)).items;
  assert.deepEqual([kids.find((o) => o.id === binhai).active, kids.find((o) => o.id === binhai).members], [true, 1]);
  assert.equal((await m1.client.get('/api/v1/membership')).body.membership.org.id, binhai);

  // With move_to: members and open applications go to the receiving union.
  r = await S.admin.post(`${A}/orgs/${binhai}/deactivate`, { move_to: recv.id });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, { status: 'ok', moved_members: 1, moved_applications: 2 });
  kids = (await listOrgs(S.admin)).items;
  assert.deepEqual([kids.find((o) => o.id === binhai).active, kids.find((o) => o.id === binhai).members], [false, 0]);
  assert.equal((await listOrgs(S.admin, ORG['350203001'])).items.find((o) => o.id === recv.id).members, 1);
  // The member: same number and status, the new organisation, and a history event saying why.
  const m = await m1.client.get('/api/v1/membership');
  assert.equal(m.status, 200, m.text);
  assert.equal(m.body.membership.org.id, recv.id);
  assert.equal(m.body.membership.org.name, '思明接收基层工会');
  assert.equal(m.body.membership.member_no, m1Before.member_no);
  assert.equal(m.body.membership.status, 'active');
  const events = m.body.history[0].events;
  assert.equal(events.length, 2, JSON.stringify(events));
  assert.equal(events[0].org, '滨海街道总工会');
  assert.equal(events[1].org, '思明接收基层工会');
  assert.match(events[1].note, /滨海街道总工会停用/);
  assert.match(events[1].note, /思明接收基层工会/);
  // The open applications: in the receiving union's queue, out of the old one's.
  let q = await rv.get(`${A}/applications`);
  assert.equal(q.status, 200, q.text);
  assert.deepEqual(q.body.items.map((x) => x.id).sort((a, b) => a - b), [a2.id, a3.id].sort((a, b) => a - b));
  assert.equal(q.body.can_decide, true);
  q = await S.r5.get(`${A}/applications`);
  assert.ok(!q.body.items.some((x) => x.id === a2.id || x.id === a3.id));
  expectError(await S.r5.get(`${A}/applications/${a2.id}`), 404, 'not_found');
  // The receiving reviewer decides them; the worker sees the new organisation.
  await decided(rv, a2.id, 'approve');
  const m2 = await w2.client.get('/api/v1/membership');
  assert.equal(m2.body.membership.org.id, recv.id);
  assert.equal((await w2.client.get(`/api/v1/applications/${a2.id}`)).body.application.org.id, recv.id);
  await decided(rv, a3.id, 'reject', '材料不全');
  // The audit log names the receiver.
  const au = await auditFind(`action=org.deactivate&target=350203005`);
  assert.equal(au.total, 1);
  assert.equal(au.items[0].actor_id, S.admin.staff.id);
  assert.match(au.items[0].detail, new RegExp(recv.code));

  // Deactivated already, the admin's own root: 409.
  expectError(await S.admin.post(`${A}/orgs/${binhai}/deactivate`, { move_to: recv.id }), 409, 'conflict', undefined, 'again');
  expectError(await S.admin.post(`${A}/orgs/${ORG['350203']}/deactivate`, {}), 409, 'conflict', undefined, 'own root');
  expectError(await S.platform.post(`${A}/orgs/${ORG['350200']}/deactivate`, {}), 409, 'conflict', undefined, 'the city');
  // Nobody can move into an inactive organisation, nor create below one.
  expectError(await S.admin.post(`${A}/orgs/${recv.id}`, { parent_id: binhai }), 400, 'invalid_field', 'parent_id');
  expectError(await S.admin.post(`${A}/orgs`, { parent_id: binhai, name: '停用下级工会', kind: 'grassroots' }), 400, 'invalid_field', 'parent_id');

  // Active children block it (the children first); inactive ones do not.
  const top = await createOrg(S.admin, ORG['350203'], '思明上级联合工会', 'street');
  const child = await createOrg(S.admin, top.id, '思明下级基层工会');
  r = await S.admin.post(`${A}/orgs/${top.id}/deactivate`, {});
  expectError(r, 409, 'has_children', undefined, 'has_children');
  assert.match(r.body.error.message, /1个下级组织/);
  r = await S.admin.post(`${A}/orgs/${ORG['350203001']}/deactivate`, { move_to: recv.id });
  expectError(r, 409, 'has_children', undefined, 'a seeded street with grassroots unions');
  assert.equal((await S.admin.post(`${A}/orgs/${child.id}/deactivate`, {})).status, 200);
  r = await S.admin.post(`${A}/orgs/${top.id}/deactivate`, {});
  assert.equal(r.status, 200, r.text);
});

test('deactivating a grassroots union without members: its unit has no union any more; joins go to the street union', async () => {
  // A seeded grassroots union below 厦港街道 and its unit.
  const [gid, gname] = dbQuery(srv, `SELECT id, name FROM org WHERE kind = 'grassroots' AND parent_id = ${ORG['350203001']} AND code LIKE 'U%' ORDER BY id LIMIT 1`)[0];
  const [unitId, unitName] = dbQuery(srv, `SELECT id, name FROM unit WHERE union_org_id = ${gid}`)[0];
  const r = await S.admin.post(`${A}/orgs/${gid}/deactivate`, {});
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, { status: 'ok', moved_members: 0, moved_applications: 0 });
  const w = await worker('建会查询');
  const u = (await w.client.get('/api/v1/units?q=' + encodeURIComponent(unitName))).body.items.find((x) => x.id === Number(unitId));
  assert.equal(u.has_union, false, `${gname} is no longer active: ${JSON.stringify(u)}`);
  assert.equal(u.union, null);
  const app = await fileJoin(w.client, { residence: '厦门市思明区厦港1号', employment: 'unit', unit_id: u.id, work_district: u.district.code, work_street: u.street.code });
  assert.notEqual(app.org.id, Number(gid), 'not routed to an inactive union');
  assert.equal(app.org.name, dbQuery(srv, `SELECT name FROM org WHERE code = '${u.street.code}'`)[0][0]);
});

// ---- staff accounts ------------------------------------------------------------------------

test('staff: org admins create reviewers in their subtree only; the password goes by SMS only; 409 on a taken phone', async () => {
  const g = await createOrg(S.admin, ORG['350203007'], '思明人员基层工会');
  const phone = freshPhone('15');
  let r = await S.admin.post(`${A}/staff`, { phone, name: '新审核', role: 'reviewer', org_id: g.id });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.body.staff, {
    id: r.body.staff.id, name: '新审核', phone: maskPhone(phone), role: 'reviewer', role_label: '审核人员',
    org: { id: g.id, name: '思明人员基层工会' }, disabled: false,
  });
  assert.match(r.body.message, /短信/);
  assert.ok(!r.text.includes(phone));
  const id = r.body.staff.id;
  const pw = await smsPassword(phone, 1);
  assert.ok(!r.text.includes(pw), 'the password is not in the response');
  assert.match(passwordSms(phone)[0].text, /初始密码/);
  const nc = await login(phone, pw);
  assert.equal(nc.staff.id, id);
  assert.equal(nc.staff.role, 'reviewer');
  assert.equal(nc.staff.org.id, g.id);
  assert.equal((await nc.get(`${A}/applications`)).status, 200, 'a reviewer of its union');

  // Org admins make reviewers only; only within their subtree.
  for (const role of ['org_admin', 'platform_admin']) {
    const p = freshPhone('15');
    r = await S.admin.post(`${A}/staff`, { phone: p, name: '越权管理', role, org_id: g.id });
    expectError(r, 403, 'forbidden', 'role', role);
    assert.equal(dbQuery(srv, `SELECT COUNT(*) FROM staff WHERE phone = '${p}'`)[0][0], '0');
  }
  const outside = freshPhone('15');
  denied(await S.admin.post(`${A}/staff`, { phone: outside, name: '越界审核', role: 'reviewer', org_id: ORG['350205001'] }), 404, 'staff outside');
  denied(await S.admin.post(`${A}/staff`, { phone: outside, name: '越界审核', role: 'reviewer', org_id: ORG['350200'] }), 404, 'staff above');
  // A taken phone: 409, and no SMS with a password that works nowhere.
  for (const p of [phone, S.platform.phone, S.rh.phone]) {
    const before = smsTo(p).length;
    expectError(await S.admin.post(`${A}/staff`, { phone: p, name: '重复号码', role: 'reviewer', org_id: g.id }), 409, 'phone_taken', 'phone');
    await sleep(150);
    assert.equal(smsTo(p).length, before, 'no SMS for a refused account');
  }
  // The platform admin makes admins.
  const ap = freshPhone('15');
  r = await S.platform.post(`${A}/staff`, { phone: ap, name: '新区管理', role: 'org_admin', org_id: ORG['350203'] });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.staff.role_label, '组织管理员');
  const newAdmin = await login(ap, await smsPassword(ap, 1));
  assert.equal((await newAdmin.get(`${A}/orgs`)).body.parent.code, '350203');
  await sleep(100);
  for (const p of [outside]) assert.equal(smsTo(p).length, 0);

  // The list: in scope, masked, role labels.
  const list = await S.admin.get(`${A}/staff`);
  assert.equal(list.status, 200);
  assert.equal(list.body.page, 1);
  assert.equal(list.body.total, list.body.items.length);
  const mine = list.body.items.find((s) => s.id === id);
  assert.deepEqual(mine, { id, name: '新审核', phone: maskPhone(phone), role: 'reviewer', role_label: '审核人员', org: { id: g.id, name: '思明人员基层工会' }, disabled: false });
  const siming = subtreeIds('350203');
  assert.ok(list.body.items.every((s) => siming.has(s.org.id)));
  assert.ok(!list.body.items.some((s) => s.id === S.other.staff.id || s.id === S.platform.staff.id || s.id === S.rh.staff.id));
  assert.ok(list.body.items.some((s) => s.id === S.admin2.staff.id && s.role_label === '组织管理员'));
  for (const s of list.body.items) assert.match(s.phone, MASKED_PHONE);
  assert.ok(!list.text.includes(phone) && !list.text.includes(S.admin2.phone));
  const p1 = await S.platform.get(`${A}/staff`);
  assert.ok(p1.body.items.some((s) => s.id === S.platform.staff.id && s.role_label === '平台管理员'));
  const p2 = await S.admin.get(`${A}/staff?page=2`);
  assert.equal(p2.status, 200);
  assert.deepEqual(p2.body.items, []);
  assert.equal(p2.body.total, list.body.total);
});

test('staff: disable ends the sessions and blocks login; reset-password sends a new one and the old stops working; all audited', async () => {
  const phone = freshPhone('15');
  let r = await S.admin.post(`${A}/staff`, { phone, name: '停用审核', role: 'reviewer', org_id: ORG['350203007'] });
  assert.equal(r.status, 201, r.text);
  const id = r.body.staff.id;
  const pw = await smsPassword(phone, 1);
  const c1 = await login(phone, pw);
  const app = await login(phone, pw, { client: 'app' }); // a bearer session too
  const bearer = new Client(srv.url, { bearer: app.bearer });
  assert.ok(app.bearer);
  assert.equal((await bearer.get(`${A}/applications`)).status, 200);

  r = await S.admin.post(`${A}/staff/${id}`, { disabled: true });
  assert.equal(r.status, 200, r.text);
  expectError(await c1.get(`${A}/applications`), 401, 'unauthenticated', undefined, 'cookie session ended');
  expectError(await bearer.get(`${A}/applications`), 401, 'unauthenticated', undefined, 'bearer session ended');
  assert.equal((await c1.get(`${A}/session`)).body.authenticated, false);
  expectError((await staffPasswordStep(srv, { phone, password: pw })).response, 401, 'invalid_credentials', undefined, 'disabled login');
  let row = (await S.admin.get(`${A}/staff`)).body.items.find((s) => s.id === id);
  assert.equal(row.disabled, true);
  // Enabled again: it logs in.
  r = await S.admin.post(`${A}/staff/${id}`, { disabled: false });
  assert.equal(r.status, 200);
  const c2 = await login(phone, pw);
  assert.equal((await c2.get(`${A}/applications`)).status, 200);

  // Reset: a new password by SMS, not in the response; sessions end; the old one fails.
  r = await S.admin.post(`${A}/staff/${id}/reset-password`, {});
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body).sort(), ['message', 'status']);
  const pw2 = await smsPassword(phone, 2);
  assert.notEqual(pw2, pw);
  assert.ok(!r.text.includes(pw2));
  assert.match(passwordSms(phone)[1].text, /重置/);
  expectError(await c2.get(`${A}/applications`), 401, 'unauthenticated', undefined, 'session after reset');
  expectError((await staffPasswordStep(srv, { phone, password: pw })).response, 401, 'invalid_credentials', undefined, 'old password');
  const c3 = await login(phone, pw2);
  assert.equal((await c3.get(`${A}/applications`)).status, 200);

  // Re-scope: another organisation in the subtree; not outside; not to an admin role.
  r = await S.admin.post(`${A}/staff/${id}`, { org_id: ORG['350203006'] });
  assert.equal(r.status, 200, r.text);
  row = (await S.admin.get(`${A}/staff`)).body.items.find((s) => s.id === id);
  assert.equal(row.org.id, ORG['350203006']);
  denied(await S.admin.post(`${A}/staff/${id}`, { org_id: ORG['350205001'] }), 404, 're-scope outside');
  expectError(await S.admin.post(`${A}/staff/${id}`, { role: 'org_admin' }), 403, 'forbidden', 'role', 'promote');
  expectError(await S.admin.post(`${A}/staff/${id}`, { role: 'platform_admin' }), 403, 'forbidden', 'role', 'promote');
  // Admins are not the org admin's to manage; nor itself; nor staff elsewhere.
  for (const [target, status, label] of [
    [S.admin2.staff.id, 403, 'another org admin'], [S.admin.staff.id, 403, 'itself'],
    [S.rh.staff.id, 404, 'a reviewer in another district'], [S.platform.staff.id, 404, 'the platform admin'],
    [987654, 404, 'nobody'],
  ]) {
    const u = await S.admin.post(`${A}/staff/${target}`, { disabled: true });
    if (status === 404) denied(u, 404, `update ${label}`);
    else expectError(u, status, 'forbidden', undefined, `update ${label}`);
    const x = await S.admin.post(`${A}/staff/${target}/reset-password`, {});
    if (status === 404) denied(x, 404, `reset ${label}`);
    else expectError(x, status, 'forbidden', undefined, `reset ${label}`);
  }
  for (const c of [S.admin2, S.rh, S.platform]) assert.equal((await c.get(`${A}/session`)).body.authenticated, true, `${c.staff.name} still logged in`);
  // The platform admin may promote; then the org admin may no longer manage it.
  r = await S.platform.post(`${A}/staff/${id}`, { role: 'org_admin' });
  assert.equal(r.status, 200, r.text);
  expectError(await S.admin.post(`${A}/staff/${id}`, { disabled: true }), 403, 'forbidden', 'role');
  expectError(await S.platform.post(`${A}/staff/${S.platform.staff.id}`, { disabled: true }), 403, 'forbidden', undefined, 'the platform admin itself');

  // Every change is in the audit log, with who did it; no phone number in clear.
  const audit = await S.platform.get(`${A}/audit?action=staff.update`);
  assert.ok(!audit.text.includes(phone), 'no full phone in the audit log');
  const mineAll = (await S.platform.get(`${A}/audit?actor_kind=staff`)).body.items.filter((x) => x.action.startsWith('staff.'));
  assert.ok(!JSON.stringify(mineAll).includes(phone));
  const byTarget = async (action) => {
    const a = await auditFind(`action=${action}`);
    return a.items.filter((x) => x.target === `staff:${id}`);
  };
  assert.deepEqual((await byTarget('staff.create')).map((x) => x.actor_id), [S.admin.staff.id]);
  const updates = await byTarget('staff.update');
  assert.deepEqual(updates.map((x) => x.actor_id), [S.platform.staff.id, S.admin.staff.id, S.admin.staff.id, S.admin.staff.id]);
  assert.match(updates[0].detail, /role=org_admin/);
  assert.match(updates.at(-1).detail, /disabled=1/);
  assert.deepEqual((await byTarget('staff.password_reset')).map((x) => x.actor_id), [S.admin.staff.id]);
  // Refused ones wrote nothing about their targets.
  assert.equal((await auditFind(`action=staff.update&target=staff:${S.admin2.staff.id}`)).total, 0);
  assert.equal((await auditFind(`action=staff.password_reset&target=staff:${S.rh.staff.id}`)).total, 0);
});

// ---- the member register -------------------------------------------------------------------

test('member register: scope, filters (name, phone, full ID number, status, org), always masked', async () => {
  const a = await member('350203007', S.reviewer, '登记甲');
  const b = await member('350203007', S.reviewer, '登记乙');
  const bx = await member('350203006', await cliStaff('reviewer', '350203006', '鹭江审核'), '登记丙');
  const h = await member('350205001', S.rh, '登记丁');
  const xId = freshId({ endsWithX: true });
  const xm = await worker('登记戊', xId);
  await decided(S.reviewer, (await join(xm, '350203007')).id, 'approve');
  // b becomes 下岗待岗 through a 会籍变更 application.
  const c = await b.client.post('/api/v1/transfer/consent', { version: '2026-11' });
  assert.equal(c.status, 201, c.text);
  const t = await b.client.post('/api/v1/applications', { kind: 'transfer', consent_id: c.body.consent_id, request_id: randomUUID(), data: { reason: 'laid_off' }, submit: true });
  assert.equal(t.status, 201, t.text);
  await decided(S.reviewer, t.body.application.id, 'approve');

  const get = async (c, qs) => {
    const r = await c.get(`${A}/members?${qs}`);
    assert.equal(r.status, 200, `${qs}: ${r.text}`);
    for (const m of r.body.items) {
      assert.match(m.phone, MASKED_PHONE);
      assert.match(m.id_number, MASKED_ID);
    }
    for (const w of [a, b, bx, h, xm]) assert.ok(!r.text.includes(w.phone) && !r.text.includes(w.idNumber), 'nothing unmasked');
    return r.body;
  };
  const names = (body) => body.items.map((m) => m.name).sort();
  // Scope.
  let all = await get(S.admin, '');
  assert.ok(['登记甲', '登记乙', '登记丙', '登记戊'].every((n) => names(all).includes(n)));
  assert.ok(!names(all).includes('登记丁'));
  const siming = subtreeIds('350203');
  assert.ok(all.items.every((m) => siming.has(m.org.id)));
  assert.equal(all.total, Number(dbQuery(srv, `SELECT COUNT(*) FROM membership WHERE is_current = 1 AND org_id IN (${[...siming].join(',')})`)[0][0]));
  assert.ok(names(await get(S.other, '')).includes('登记丁'));
  assert.ok(!names(await get(S.other, '')).some((n) => ['登记甲', '登记乙', '登记丙', '登记戊'].includes(n)));
  assert.deepEqual(names(await get(S.platform, 'name=' + encodeURIComponent('登记丁'))), ['登记丁']);

  // An item.
  let r = await get(S.admin, 'name=' + encodeURIComponent('登记甲'));
  assert.equal(r.total, 1);
  const item = r.items[0];
  const ms = (await a.client.get('/api/v1/membership')).body.membership;
  assert.deepEqual(item, {
    member_no: ms.member_no, name: '登记甲', phone: maskPhone(a.phone), id_number: maskId(a.idNumber),
    status: 'active', status_label: '会员', org: { id: ORG['350203007'], name: '开元街道总工会' }, joined_at: ms.joined_at,
  });
  assert.match(item.joined_at, /^\d{4}-\d\d-\d\d$/);
  // Filters.
  assert.deepEqual(names(await get(S.admin, 'name=' + encodeURIComponent('登记'))), [], 'the name is matched whole');
  assert.deepEqual(names(await get(S.admin, 'phone=' + b.phone)), ['登记乙']);
  assert.deepEqual(names(await get(S.admin, 'id_number=' + bx.idNumber)), ['登记丙']);
  assert.deepEqual(names(await get(S.admin, 'id_number=' + xId)), ['登记戊']);
  assert.deepEqual(names(await get(S.admin, 'id_number=' + xId.toLowerCase())), ['登记戊'], 'a lowercase x');
  assert.deepEqual(names(await get(S.admin, 'status=laid_off')), ['登记乙']);
  r = await get(S.admin, 'status=laid_off');
  assert.equal(r.items[0].status_label, '下岗待岗');
  assert.ok(!names(await get(S.admin, 'status=active')).includes('登记乙'));
  assert.deepEqual(names(await get(S.admin, 'status=retained_retired')), []);
  assert.deepEqual(names(await get(S.admin, `org_id=${ORG['350203006']}`)), ['登记丙']);
  assert.ok((await get(S.admin, `org_id=${ORG['350203007']}`)).items.every((m) => m.org.id === ORG['350203007']));
  assert.deepEqual(names(await get(S.admin, `org_id=${ORG['350203']}&name=` + encodeURIComponent('登记丙'))), ['登记丙'], 'org_id is a subtree');
  assert.deepEqual(names(await get(S.admin, `org_id=${ORG['350203006']}&status=laid_off`)), [], 'filters combine');
  assert.deepEqual(names(await get(S.admin, `phone=${b.phone}&name=` + encodeURIComponent('登记甲'))), []);
  // Another district's member cannot be found from 思明, by any key.
  assert.equal((await get(S.admin, 'id_number=' + h.idNumber)).total, 0);
  assert.equal((await get(S.admin, 'phone=' + h.phone)).total, 0);
  assert.equal((await get(S.admin, 'name=' + encodeURIComponent('登记丁'))).total, 0);
  // Pages of 20.
  const p2 = await get(S.admin, 'page=2');
  assert.equal(p2.page, 2);
  assert.equal(p2.items.length, Math.max(0, all.total - 20));
  // Bad filters: 400 naming them.
  for (const [qs, field] of [
    ['id_number=' + bx.idNumber.slice(0, 14), 'id_number'], ['id_number=' + bx.idNumber.slice(0, 17), 'id_number'],
    ['id_number=' + bx.idNumber.slice(0, 17) + (bx.idNumber[17] === '0' ? '1' : '0'), 'id_number'],
    ['id_number=' + bx.idNumber.slice(10), 'id_number'], ['id_number=abc', 'id_number'],
    ['phone=' + b.phone.slice(0, 7), 'phone'], ['phone=' + b.phone.slice(3), 'phone'], ['phone=1' + b.phone, 'phone'],
    ['status=foo', 'status'], ['status=ACTIVE', 'status'], ['status=draft', 'status'],
    [`org_id=${ORG['350205001']}`, 'org_id'], [`org_id=${ORG['350200']}`, 'org_id'], ['org_id=abc', 'org_id'],
    ['org_id=0', 'org_id'], ['org_id=-1', 'org_id'], ['org_id=99999999', 'org_id'], ['org_id=1.5', 'org_id'],
    ['name=' + encodeURIComponent('名'.repeat(31)), 'name'], ['page=0', 'page'], ['page=x', 'page'],
  ]) {
    const x = await S.admin.get(`${A}/members?${qs}`);
    expectError(x, 400, 'invalid_field', field, `members ${qs}`);
    assert.doesNotMatch(x.text, /登记|海沧/);
  }
});

test('member export: CSV with BOM, masked, the same filters and scope; audited as members.export', async () => {
  const a = await member('350203007', S.reviewer, '导出甲');
  const h = await member('350205001', S.rh, '导出乙');
  let e = await exportCsv(S.admin);
  assert.equal(e.status, 200);
  assert.match(e.type, /^text\/csv; charset=utf-8/);
  assert.deepEqual([...e.buf.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  let rows = csvRows(e.text);
  assert.deepEqual(rows[0], ['会员编号', '姓名', '手机号', '身份证号', '会籍状态', '所属工会', '入会日期']);
  const list = (await S.admin.get(`${A}/members`)).body;
  assert.equal(rows.length - 1, list.total, 'every member of the scope');
  for (const row of rows.slice(1)) {
    assert.equal(row.length, 7, row.join());
    assert.match(row[2], MASKED_PHONE);
    assert.match(row[3], MASKED_ID);
  }
  const mine = rows.find((row) => row[1] === '导出甲');
  const ms = (await a.client.get('/api/v1/membership')).body.membership;
  assert.deepEqual(mine, [ms.member_no, '导出甲', maskPhone(a.phone), maskId(a.idNumber), '会员', '开元街道总工会', ms.joined_at]);
  assert.ok(!e.text.includes(a.phone) && !e.text.includes(a.idNumber));
  assert.ok(!e.text.includes('导出乙'), 'another district\'s member is outside');
  // Filters as the register's.
  e = await exportCsv(S.admin, 'name=' + encodeURIComponent('导出甲'));
  assert.deepEqual(csvRows(e.text).slice(1).map((r) => r[1]), ['导出甲']);
  e = await exportCsv(S.admin, 'phone=' + a.phone);
  assert.deepEqual(csvRows(e.text).slice(1).map((r) => r[1]), ['导出甲']);
  e = await exportCsv(S.admin, 'id_number=' + h.idNumber);
  assert.deepEqual(csvRows(e.text).slice(1), [], 'not in scope');
  e = await exportCsv(S.other, 'id_number=' + h.idNumber);
  assert.deepEqual(csvRows(e.text).slice(1).map((r) => r[1]), ['导出乙']);
  e = await exportCsv(S.admin, 'status=expelled');
  assert.deepEqual(csvRows(e.text).slice(1), [], 'an empty export still has its header');
  for (const [qs, field] of [['id_number=' + a.idNumber.slice(0, 10), 'id_number'], [`org_id=${ORG['350205']}`, 'org_id'], ['status=x', 'status'], ['phone=123', 'phone']]) {
    const r = await S.admin.get(`${A}/members/export?${qs}`);
    expectError(r, 400, 'invalid_field', field, `export ${qs}`);
  }
  // Audited: who, how many rows.
  const au = await auditFind('action=members.export');
  const last = au.items[0];
  assert.equal(last.actor_kind, 'staff');
  assert.equal(last.actor_id, S.admin.staff.id);
  assert.equal(last.detail, '0 rows');
  assert.ok(au.items.some((x) => x.actor_id === S.other.staff.id && x.detail === '1 rows'));
  assert.ok(au.items.some((x) => x.actor_id === S.admin.staff.id && x.detail === `${list.total} rows`));
});

// ---- the audit log ---------------------------------------------------------------------------

test('audit log: platform admins only; filters (actor_kind, action, target, from/to), newest first, pages of 50', async () => {
  const org = await createOrg(S.platform, ORG['350203007'], '审计测试工会');
  const all = await auditFind('');
  assert.ok(all.total > 50, `enough entries for two pages (${all.total})`);
  assert.equal(all.page, 1);
  assert.equal(all.items.length, 50);
  const ids = all.items.map((x) => x.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
  for (const x of all.items) {
    assert.deepEqual(Object.keys(x).sort(), ['action', 'actor_id', 'actor_kind', 'at', 'client', 'detail', 'id', 'target']);
    assert.match(x.at, /^\d{4}-\d\d-\d\dT/);
  }
  assert.equal(all.items[0].action, 'org.create');
  assert.equal(all.items[0].target, org.code);
  assert.equal(all.items[0].detail, '审计测试工会');
  const p2 = await auditFind('page=2');
  assert.equal(p2.total, all.total);
  assert.ok(p2.items.length >= 1);
  assert.ok(Math.max(...p2.items.map((x) => x.id)) < Math.min(...ids), 'page 2 continues page 1');
  const beyond = await auditFind(`page=${Math.ceil(all.total / 50) + 1}`);
  assert.deepEqual(beyond.items, []);
  // Filters.
  let f = await auditFind('actor_kind=cli');
  assert.ok(f.total >= 9 && f.items.every((x) => x.actor_kind === 'cli' && x.action === 'staff.create'));
  f = await auditFind('actor_kind=worker');
  assert.ok(f.total >= 1 && f.items.every((x) => x.actor_kind === 'worker'));
  assert.ok(f.items.some((x) => x.action === 'account.register'));
  f = await auditFind('actor_kind=staff&action=login.2fa');
  assert.ok(f.items.some((x) => x.actor_id === S.platform.staff.id));
  assert.ok(f.items.every((x) => x.action === 'login.2fa' && x.actor_kind === 'staff'));
  f = await auditFind(`target=${org.code}`);
  assert.deepEqual(f.items.map((x) => x.action), ['org.create']);
  assert.equal((await auditFind('action=no.such.action')).total, 0);
  assert.equal((await auditFind('actor_kind=martian')).total, 0);
  assert.equal((await auditFind('target=' + encodeURIComponent('目'.repeat(300)))).total, 0);
  // Dates are China Standard Time days.
  const now = await srv.advance(0);
  const day = (off) => new Date((now + 8 * 3600 + off * 86400) * 1000).toISOString().slice(0, 10);
  assert.equal((await auditFind(`from=${day(0)}&to=${day(0)}`)).total, all.total);
  assert.equal((await auditFind(`from=${day(-400)}`)).total, all.total);
  assert.equal((await auditFind(`from=${day(1)}`)).total, 0);
  assert.equal((await auditFind(`to=${day(-1)}`)).total, 0);
  assert.equal((await auditFind(`from=${day(0)}&to=${day(-1)}`)).total, 0);
  assert.equal((await auditFind(`from=${day(0)}&target=${org.code}`)).total, 1);
  // Bad parameters: 400 naming them.
  for (const [qs, field] of [
    ['from=2026-13-01', 'from'], ['from=2026-00-10', 'from'], ['from=2026-02-30', 'from'], ['to=2026-04-31', 'to'],
    ['from=2026-1-011', 'from'], ['from=26-01-01', 'from'], ['to=2026/01/01', 'to'], ['from=20260101', 'from'],
    ['to=tomorrow', 'to'], ['from=+026-01-01', 'from'], ['to=2026-01-1x', 'to'], ['from=%202026-01-1', 'from'],
    ['page=0', 'page'], ['page=-1', 'page'], ['page=x', 'page'], ['page=1.5', 'page'],
  ]) {
    expectError(await S.platform.get(`${A}/audit?${qs}`), 400, 'invalid_field', field, `audit ${qs}`);
  }
  // Nobody else.
  for (const who of ['admin', 'other', 'reviewer']) denied(await client(who).get(`${A}/audit?actor_kind=cli`), 403, who);
  for (const who of ['worker', 'anon']) denied(await client(who).get(`${A}/audit`), 401, who);
  // Logins and exports are in it too.
  assert.ok((await auditFind('action=members.export')).total >= 1);
});

// ---- hostile input -----------------------------------------------------------------------

test('hostile input on every admin endpoint: malformed JSON, wrong types, bad ids, overlong names; nothing written', async () => {
  const g = await createOrg(S.admin, ORG['350203007'], '恶意测试工会');
  const sp = freshPhone('15');
  const sr = await S.admin.post(`${A}/staff`, { phone: sp, name: '恶意目标', role: 'reviewer', org_id: g.id });
  assert.equal(sr.status, 201);
  const sid = sr.body.staff.id;
  await smsPassword(sp, 1);
  const auditBefore = (await auditFind('')).total;
  const orgsBefore = JSON.stringify(await listOrgs(S.admin, ORG['350203007']));
  const staffBefore = JSON.stringify((await S.admin.get(`${A}/staff`)).body);

  const posts = [`${A}/orgs`, `${A}/orgs/${g.id}`, `${A}/orgs/${g.id}/deactivate`, `${A}/staff`, `${A}/staff/${sid}`, `${A}/staff/${sid}/reset-password`];
  for (const p of posts) {
    for (const body of ['{"name":', '{"name":"x",}', '[]', 'null', '"x"', '42', '{"name":"a","name":"b"}', '\u0000', '{"parent_id":99999999999999999999999}']) {
      expectError(await S.admin.request('POST', p, body), 400, 'invalid_json', undefined, `${p} ${JSON.stringify(body)}`);
    }
  }
  // Wrong types and values: org create.
  for (const [body, field] of [
    [{ name: '恶意工会', kind: 'grassroots' }, 'parent_id'], [{ parent_id: String(g.id), name: '恶意工会', kind: 'grassroots' }, 'parent_id'],
    [{ parent_id: 1.5, name: '恶意工会', kind: 'grassroots' }, 'parent_id'], [{ parent_id: true, name: '恶意工会', kind: 'grassroots' }, 'parent_id'],
    [{ parent_id: [1], name: '恶意工会', kind: 'grassroots' }, 'parent_id'], [{ parent_id: null, name: '恶意工会', kind: 'grassroots' }, 'parent_id'],
    [{ parent_id: ORG['350203007'], name: 123, kind: 'grassroots' }, 'name'], [{ parent_id: ORG['350203007'], kind: 'grassroots' }, 'name'],
    [{ parent_id: ORG['350203007'], name: '工', kind: 'grassroots' }, 'name'], [{ parent_id: ORG['350203007'], name: '工'.repeat(61), kind: 'grassroots' }, 'name'],
    [{ parent_id: ORG['350203007'], name: '恶意\u0007工会', kind: 'grassroots' }, 'name'], [{ parent_id: ORG['350203007'], name: '恶意\n工会', kind: 'grassroots' }, 'name'],
    [{ parent_id: ORG['350203007'], name: ['恶意工会'], kind: 'grassroots' }, 'name'], [{ parent_id: ORG['350203007'], name: { a: 1 }, kind: 'grassroots' }, 'name'],
    [{ parent_id: ORG['350203007'], name: '   ', kind: 'grassroots' }, 'name'], [{ parent_id: ORG['350203007'], name: '\u3000\u3000', kind: 'grassroots' }, 'name'],
    [{ parent_id: ORG['350203007'], name: '恶意工会', kind: 'city' }, 'kind'], [{ parent_id: ORG['350203007'], name: '恶意工会', kind: 'district' }, 'kind'],
    [{ parent_id: ORG['350203007'], name: '恶意工会', kind: 1 }, 'kind'], [{ parent_id: ORG['350203007'], name: '恶意工会' }, 'kind'],
  ]) {
    const r = await S.admin.post(`${A}/orgs`, body);
    assert.equal(r.status, 400, `create ${JSON.stringify(body).slice(0, 80)}: ${r.status} ${r.text}`);
    expectError(r, 400, undefined, field, `create ${JSON.stringify(body).slice(0, 80)}`);
  }
  for (const id of [0, -1, 987654321]) denied(await S.admin.post(`${A}/orgs`, { parent_id: id, name: '恶意工会', kind: 'grassroots' }), 404, `create under ${id}`);
  // Org update.
  for (const [body, field] of [
    [{ parent_id: 'x' }, 'parent_id'], [{ parent_id: String(ORG['350203006']) }, 'parent_id'], [{ parent_id: 2.5 }, 'parent_id'],
    [{ parent_id: false }, 'parent_id'], [{ parent_id: {} }, 'parent_id'], [{ name: 5 }, 'name'], [{ name: '工' }, 'name'],
    [{ name: '工'.repeat(61) }, 'name'], [{ name: '  ' }, 'name'], [{ name: '恶意\t工会' }, 'name'], [{ name: '会'.repeat(5000) }, 'name'],
  ]) {
    const r = await S.admin.post(`${A}/orgs/${g.id}`, body);
    expectError(r, 400, undefined, field, `update ${JSON.stringify(body).slice(0, 60)}`);
  }
  for (const id of [0, -5, 987654321]) denied(await S.admin.post(`${A}/orgs/${g.id}`, { parent_id: id }), 404, `move under ${id}`);
  // Deactivate.
  for (const body of [{ move_to: 'x' }, { move_to: 1.5 }, { move_to: [ORG['350203006']] }, { move_to: true }]) {
    expectError(await S.admin.post(`${A}/orgs/${g.id}/deactivate`, body), 400, 'invalid_field', 'move_to', `deactivate ${JSON.stringify(body)}`);
  }
  // Staff create.
  for (const [body, field] of [
    [{ name: '恶意人员', role: 'reviewer', org_id: g.id }, 'phone'], [{ phone: '12345', name: '恶意人员', role: 'reviewer', org_id: g.id }, 'phone'],
    [{ phone: 13800001234, name: '恶意人员', role: 'reviewer', org_id: g.id }, 'phone'], [{ phone: freshPhone('15'), name: 'x', role: 'reviewer', org_id: g.id }, 'name'],
    [{ phone: freshPhone('15'), name: '名'.repeat(31), role: 'reviewer', org_id: g.id }, 'name'], [{ phone: freshPhone('15'), name: '恶意<b>', role: 'reviewer', org_id: g.id }, 'name'],
    [{ phone: freshPhone('15'), name: '恶意人员', role: 'root', org_id: g.id }, 'role'], [{ phone: freshPhone('15'), name: '恶意人员', role: 'REVIEWER', org_id: g.id }, 'role'],
    [{ phone: freshPhone('15'), name: '恶意人员', org_id: g.id }, 'role'], [{ phone: freshPhone('15'), name: '恶意人员', role: ['reviewer'], org_id: g.id }, 'role'],
    [{ phone: freshPhone('15'), name: '恶意人员', role: 'reviewer' }, 'org_id'], [{ phone: freshPhone('15'), name: '恶意人员', role: 'reviewer', org_id: String(g.id) }, 'org_id'],
    [{ phone: freshPhone('15'), name: '恶意人员', role: 'reviewer', org_id: 1.5 }, 'org_id'], [{ phone: freshPhone('15'), name: '恶意人员', role: 'reviewer', org_id: null }, 'org_id'],
  ]) {
    const r = await S.admin.post(`${A}/staff`, body);
    expectError(r, 400, undefined, field, `staff ${JSON.stringify(body).slice(0, 80)}`);
  }
  for (const id of [0, -1, 987654321]) denied(await S.admin.post(`${A}/staff`, { phone: freshPhone('15'), name: '恶意人员', role: 'reviewer', org_id: id }), 404, `staff at ${id}`);
  // Staff update.
  for (const [body, field] of [
    [{ disabled: 'true' }, 'disabled'], [{ disabled: 1 }, 'disabled'], [{ disabled: [true] }, 'disabled'],
    [{ role: 'boss' }, 'role'], [{ role: 7 }, 'role'], [{ org_id: 'x' }, 'org_id'], [{ org_id: 2.5 }, 'org_id'], [{ org_id: [g.id] }, 'org_id'],
  ]) {
    const r = await S.admin.post(`${A}/staff/${sid}`, body);
    expectError(r, 400, undefined, field, `staff update ${JSON.stringify(body)}`);
  }
  // Bad ids in paths: 404.
  for (const bad of ['abc', '0', '-1', '1.5', '1e3', '99999999999999999999', '9223372036854775807', '%00', '%E4%B8%80', '%FF', `${g.id}%20`, ' 1']) {
    const p = bad.replace(' ', '%20');
    for (const [path, body] of [[`${A}/orgs/${p}`, { name: '恶意改名' }], [`${A}/orgs/${p}/deactivate`, {}], [`${A}/staff/${p}`, { disabled: true }], [`${A}/staff/${p}/reset-password`, {}]]) {
      const r = await S.admin.post(path, body);
      assert.ok(r.status === 404 || r.status === 400, `${path} → ${r.status} ${r.text}`);
      assertErrorShape(r, path);
    }
  }
  for (const p of [`${A}/orgs/${g.id}/deactivate/x`, `${A}/orgs/${g.id}/close`, `${A}/staff/${sid}/reset`, `${A}/orgz`]) {
    const r = await S.admin.post(p, {});
    assert.ok(r.status === 404 || r.status === 405, `${p} → ${r.status}`);
    assertErrorShape(r, p);
  }
  for (const [m, p] of [['PUT', `${A}/orgs/${g.id}`], ['DELETE', `${A}/staff/${sid}`], ['GET', `${A}/orgs/${g.id}/deactivate`], ['POST', `${A}/members`], ['POST', `${A}/dashboard`], ['DELETE', `${A}/audit`]]) {
    const r = await S.admin.request(m, p, m === 'GET' ? undefined : {});
    assert.ok(r.status === 405 || r.status === 404, `${m} ${p} → ${r.status}`);
    assertErrorShape(r, `${m} ${p}`);
  }
  // Bad query parameters on the GETs.
  for (const [path, field] of [
    [`${A}/orgs?parent_id=abc`, 'parent_id'], [`${A}/orgs?parent_id=-1`, 'parent_id'], [`${A}/orgs?parent_id=1.5`, 'parent_id'],
    [`${A}/orgs?parent_id=99999999999999999999999`, 'parent_id'], [`${A}/staff?page=0`, 'page'], [`${A}/staff?page=abc`, 'page'],
    [`${A}/members?name=%FF`, 'name'], [`${A}/audit?action=%C3%28`, 'action'], [`${A}/members/export?page=%FF`, 'page'],
  ]) {
    expectError(await S.platform.get(path), 400, 'invalid_field', field, path);
  }
  denied(await S.admin.get(`${A}/orgs?parent_id=987654321`), 404, 'list under nobody');
  // Cookie requests without the CSRF token or Origin are refused before anything happens.
  expectError(await S.admin.request('POST', `${A}/orgs`, { parent_id: ORG['350203007'], name: '跨站工会', kind: 'grassroots' }, { headers: { 'X-CSRF-Token': 'nope' } }), 403, 'csrf');
  expectError(await S.admin.request('POST', `${A}/staff/${sid}`, { disabled: true }, { headers: { Origin: 'http://evil.example' } }), 403, 'origin');
  expectError(await S.admin.request('POST', `${A}/staff/${sid}/reset-password`, {}, { headers: { 'X-CSRF-Token': '' } }), 403, 'csrf');

  // Nothing was written.
  assert.equal((await auditFind('')).total, auditBefore, 'no audit entries');
  assert.equal(JSON.stringify(await listOrgs(S.admin, ORG['350203007'])), orgsBefore);
  assert.equal(JSON.stringify((await S.admin.get(`${A}/staff`)).body), staffBefore);
  assert.equal(smsTo(sp).length, 1, 'no reset SMS');
  // Exactly 60 characters (four-byte ones too) is a fine name.
  const long = '𠀀'.repeat(58) + '工会';
  const ok = await S.admin.post(`${A}/orgs/${g.id}`, { name: long });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.org.name, long);
  assert.equal((await listOrgs(S.admin, ORG['350203007'])).items.find((o) => o.id === g.id).name, long);
});

test('long organisation names survive a deactivation: the member\'s history event is whole', async () => {
  const from = await createOrg(S.admin, ORG['350203'], '旧'.repeat(58) + '工会', 'street');
  const to = await createOrg(S.admin, ORG['350203'], '𠀀'.repeat(58) + '工会', 'street');
  // A member of 梧村街道 (a street without grassroots unions) reaches `from`, then `to`, by two
  // deactivations; the second note names both long names.
  assert.equal((await listOrgs(S.admin)).items.find((o) => o.code === '350203008').children, 0);
  const m = await member('350203008', await cliStaff('reviewer', '350203008', '梧村审核'), '长名会员');
  let r = await S.admin.post(`${A}/orgs/${ORG['350203008']}/deactivate`, { move_to: from.id });
  assert.equal(r.status, 200, r.text);
  r = await S.admin.post(`${A}/orgs/${from.id}/deactivate`, { move_to: to.id });
  assert.equal(r.status, 200, r.text);
  const ms = await m.client.get('/api/v1/membership');
  assert.equal(ms.status, 200, ms.text);
  assert.equal(ms.body.membership.org.name, to.name);
  const ev = ms.body.history[0].events;
  assert.equal(ev.length, 3, JSON.stringify(ev));
  assert.equal(ev[2].org, to.name);
  assert.ok(!ev.some((e) => e.note.includes('\ufffd')), 'no broken characters');
});

// ---- the dashboard (moves the clock: last) ---------------------------------------------------

test('dashboard: members and applications by status, decision times in hours, overdue after 15 working days (holidays)', async () => {
  const farm = '350213404';
  const snapshot = async (c) => {
    const r = await c.get(`${A}/dashboard`);
    assert.equal(r.status, 200, r.text);
    return r.body;
  };
  const asMap = (arr) => Object.fromEntries(arr.map((x) => [x.key, x.count]));
  const beforeCity = await snapshot(S.platform);
  const beforeSiming = await snapshot(S.admin);
  let d = await snapshot(S.farmAdmin);
  assert.deepEqual(d, { members_by_status: [], members_by_org: [], applications_by_status: [], decision_time: { decided: 0, median_hours: 0, p90_hours: 0 }, overdue_15_working_days: 0 });

  // Five applications to 大帽山农场, all submitted now.
  const ws = [];
  for (const n of ['看板甲', '看板乙', '看板丙', '看板丁', '看板戊']) ws.push(await worker(n));
  const apps = [];
  for (const w of ws) apps.push(await join(w, farm));
  const t0 = await srv.advance(0);
  await decided(S.farmReviewer, apps[4].id, 'accept'); // 办理中: still open
  // Decisions after 1, 3 and 10 hours (the sessions idle out meanwhile: log in again).
  const after = async (hours) => {
    const now = await srv.advance(0);
    await srv.advance(t0 + hours * 3600 - now);
    await relogin(S.farmReviewer);
  };
  const hours = [];
  const took = (app, decided) => (Date.parse(decided.decided_at) - Date.parse(app.submitted_at)) / 3600000;
  await after(1);
  hours.push(took(apps[0], await decided(S.farmReviewer, apps[0].id, 'approve')));
  await after(3);
  hours.push(took(apps[1], await decided(S.farmReviewer, apps[1].id, 'reject', '不符合入会条件')));
  await after(10);
  hours.push(took(apps[2], await decided(S.farmReviewer, apps[2].id, 'approve')));
  hours.forEach((h, i) => assert.ok(Math.abs(h - [1, 3, 10][i]) < 0.02, `${h} hours`));
  for (const c of [S.farmAdmin, S.platform, S.admin]) await relogin(c);

  d = await snapshot(S.farmAdmin);
  assert.deepEqual(d.members_by_status, [{ key: 'active', label: '会员', count: 2 }]);
  assert.deepEqual(d.members_by_org, []);
  assert.deepEqual(asMap(d.applications_by_status), { completed: 2, processing: 1, rejected: 1, submitted: 1 });
  const labels = Object.fromEntries(d.applications_by_status.map((x) => [x.key, x.label]));
  assert.deepEqual(labels, { completed: '已完成', processing: '办理中', rejected: '审核不通过', submitted: '已递交' });
  // Median: the middle one (the lower middle for an even count); p90: the ⌈0.9n⌉-th.
  assert.deepEqual(d.decision_time, { decided: 3, median_hours: hours[1], p90_hours: hours[2] });
  assert.equal(d.overdue_15_working_days, 0);
  // The city sees the same changes; 思明 none of them.
  const city = await snapshot(S.platform);
  const delta = (a, b) => Object.fromEntries(Object.keys({ ...asMap(a), ...asMap(b) }).map((k) => [k, (asMap(b)[k] || 0) - (asMap(a)[k] || 0)]).filter(([, v]) => v));
  assert.deepEqual(delta(beforeCity.members_by_status, city.members_by_status), { active: 2 });
  assert.deepEqual(delta(beforeCity.applications_by_status, city.applications_by_status), { completed: 2, processing: 1, rejected: 1, submitted: 1 });
  assert.deepEqual(delta(beforeCity.members_by_org, city.members_by_org), { 翔安区总工会: 2 });
  assert.equal(city.decision_time.decided - beforeCity.decision_time.decided, 3);
  const siming = await snapshot(S.admin);
  assert.deepEqual(siming.members_by_status, beforeSiming.members_by_status);
  assert.deepEqual(siming.applications_by_status, beforeSiming.applications_by_status);
  assert.deepEqual(siming.members_by_org, beforeSiming.members_by_org);
  assert.ok(siming.members_by_org.every((o) => o.key.length > 0));
  // members_by_org: each district's whole subtree for the city.
  const cityOrgs = asMap(city.members_by_org);
  assert.equal(cityOrgs['思明区总工会'], siming.members_by_status.reduce((s, x) => s + x.count, 0));

  // Overdue: working days (Mon–Fri less holidays) after the day of submission, in CST.
  const day0 = Math.floor((t0 + 8 * 3600) / 86400);
  const weekday = (day) => (((day + 4) % 7) + 7) % 7; // 0 Sunday
  const nth = (n, holidays = []) => { // the day on which the n-th working day after day0 falls
    let k = 0;
    for (let day = day0 + 1; ; day++) {
      if (weekday(day) !== 0 && weekday(day) !== 6 && !holidays.includes(day)) k++;
      if (k === n) return day;
    }
  };
  const iso = (day) => new Date(day * 86400000).toISOString().slice(0, 10);
  const goTo = async (day) => {
    const now = await srv.advance(0);
    const today = Math.floor((now + 8 * 3600) / 86400);
    assert.ok(day >= today);
    await srv.advance((day - today) * 86400);
    await relogin(S.farmAdmin);
  };
  await goTo(nth(15));
  d = await snapshot(S.farmAdmin);
  assert.equal(d.overdue_15_working_days, 0, `15 working days on ${iso(nth(15))}`);
  const day16 = nth(16);
  await goTo(day16);
  d = await snapshot(S.farmAdmin);
  assert.equal(d.overdue_15_working_days, 2, `16 working days on ${iso(day16)}: the submitted and the accepted one`);
  assert.ok(day16 - day0 >= 21, 'about four weeks');
  // A holiday on a weekday within the window brings it back to 15; one on a weekend changes nothing.
  const weekdayInWindow = nth(3);
  let sat = day0 + 1;
  while (weekday(sat) !== 6) sat++;
  writeFileSync(pathJoin(assets, 'holidays.txt'), `# 法定节假日\n${iso(sat)}\n`);
  assert.equal((await snapshot(S.farmAdmin)).overdue_15_working_days, 2, 'a Saturday is no working day anyway');
  writeFileSync(pathJoin(assets, 'holidays.txt'), `${iso(sat)}\n${iso(weekdayInWindow)}\n${iso(day16 + 30)}\n`);
  assert.equal((await snapshot(S.farmAdmin)).overdue_15_working_days, 0, `${iso(weekdayInWindow)} is a holiday`);
  rmSync(pathJoin(assets, 'holidays.txt'));
  assert.equal((await snapshot(S.farmAdmin)).overdue_15_working_days, 2);
  // Deciding it: no longer overdue.
  await relogin(S.farmReviewer);
  await decided(S.farmReviewer, apps[3].id, 'approve');
  d = await snapshot(S.farmAdmin);
  assert.equal(d.overdue_15_working_days, 1);
  assert.deepEqual(d.members_by_status, [{ key: 'active', label: '会员', count: 3 }]);
  assert.equal(d.decision_time.decided, 4);
  assert.equal(d.decision_time.median_hours, hours[1], 'median of 1, 3, 10 and ~500 hours: the lower middle');
  assert.ok(d.decision_time.p90_hours > 400);
  // The platform admin's figure counts the farm's open one too.
  await relogin(S.platform);
  assert.ok((await snapshot(S.platform)).overdue_15_working_days >= 1);
  // After all this, the other district's admin still sees no 翔安 data.
  await relogin(S.other);
  const other = await snapshot(S.other);
  assert.doesNotMatch(JSON.stringify(other), /翔安|思明区|开元|滨海|大帽山/);
  assert.ok(other.members_by_org.some((o) => o.key === '思明测试园区工会'), 'the union moved into 海沧 counts there now');
});
