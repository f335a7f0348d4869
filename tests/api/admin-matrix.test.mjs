// The back office's role × endpoint matrix: every /api/v1/admin/* route of src/api/api.c, called
// by each role — anonymous, a worker session, a reviewer, the org admin of a district (思明),
// the org admin of another district (海沧) and a platform admin — against real objects inside
// and outside the district (organisations, staff, applications, an appeal), with the status
// each must get. Denials (401/403/404) carry the error shape and nothing of the objects; a 404
// for an object out of scope reads exactly like the 404 for an id that does not exist.
//
// HOW TO ADD AN ENDPOINT: one line in MATRIX below —
//   R('METHOD /admin/path/:id', { id: 'fixture' }, [reviewer, orgAdmin, otherAdmin, platform], opts)
// with the route pattern exactly as in src/api/api.c (without /api/v1), the path (and `query`)
// parameters by fixture name (or a literal), and the status each staff role gets; anonymous
// and worker sessions get 401 unless opts says { anon, worker }. opts.body (object or
// (fixtures, role) => object) is a valid request body, so that only the role decides. A route
// with objects gets two lines: one in 思明 (the org admin's district), one in 海沧. New fixtures
// go in before(); a route of api.c without a line fails the first test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join as pathJoin } from 'node:path';
import { startServer, repoRoot } from '../lib/server.mjs';
import { Client, staffClient } from '../lib/client.mjs';
import { addStaff, assertErrorShape, creditCode, dbQuery, decide, fileJoin, freshId, freshPhone, joinPlace, register, uname } from './helpers.mjs';

const ROLES = ['anon', 'worker', 'reviewer', 'orgAdmin', 'otherAdmin', 'platform'];
const STAFF_ROLES = ROLES.slice(2);
const GHOST = 987654321; // an id nothing has

// ---- the matrix ---------------------------------------------------------------------------
// Expected statuses, in STAFF_ROLES order: [reviewer, orgAdmin (思明), otherAdmin (海沧), platform].
const ALL = { anon: 'same', worker: 'same' }; // role-independent: anonymous and worker as the staff
const R = (route, params, statuses, opts = {}) => ({ route, params, statuses, ...opts });
const rename = (name) => ({ body: (f, who) => ({ name: name ?? `矩阵改名${who}` }) });
const MATRIX = [
  // session and login
  R('GET /admin/session', {}, [200, 200, 200, 200], { anon: 200, worker: 200 }),
  R('POST /admin/auth/login', {}, [401, 401, 401, 401], { ...ALL, body: () => ({ phone: freshPhone('15'), password: 'Wrong1pass' }) }),
  R('POST /admin/auth/login/verify', {}, [400, 400, 400, 400], { ...ALL, body: { challenge: 'A'.repeat(43), code: '123456' } }),
  R('POST /admin/auth/login/resend', {}, [400, 400, 400, 400], { ...ALL, body: { challenge: 'A'.repeat(43) } }),
  R('POST /admin/auth/logout', {}, [204, 204, 204, 204], { fresh: true }),
  // a wrong old password: the handler is reached (400) and nothing changes
  R('POST /admin/account/password', {}, [400, 400, 400, 400], { body: { old_password: 'Wrong1pass', new_password: 'Another1pass', new_password_confirm: 'Another1pass' } }),
  // 人工申诉: platform admins only
  R('GET /admin/appeals', {}, [403, 403, 403, 200]),
  R('GET /admin/appeals/:id', { id: 'appeal' }, [403, 403, 403, 200]),
  R('GET /admin/appeals/:id/photos/:n', { id: 'appeal', n: '1' }, [403, 403, 403, 200]),
  R('POST /admin/appeals/:id/:action', { id: 'appeal', action: 'reject' }, [403, 403, 403, 200], { body: { reason: '照片不清晰' } }),
  // organisations
  R('GET /admin/orgs', {}, [403, 200, 200, 200], { check: listed('orgs') }),
  R('GET /admin/orgs', { query: { parent_id: 'streetIn' } }, [403, 200, 404, 200], { check: listed('orgsIn') }),
  R('GET /admin/orgs', { query: { parent_id: 'streetOut' } }, [403, 404, 200, 200], { check: listed('orgsOut') }),
  R('GET /admin/orgs', { query: { q: '矩阵', kind: 'grassroots' } }, [403, 200, 200, 200], { check: listed('orgsSearch') }),
  R('POST /admin/orgs', {}, [403, 201, 404, 201], { body: (f, who) => ({ parent_id: f.streetIn, name: `矩阵新建内${who}`, kind: 'grassroots' }) }),
  R('POST /admin/orgs', {}, [403, 404, 201, 201], { body: (f, who) => ({ parent_id: f.streetOut, name: `矩阵新建外${who}`, kind: 'grassroots' }) }),
  R('POST /admin/orgs/:id', { id: 'orgIn' }, [403, 200, 404, 200], rename()),
  R('POST /admin/orgs/:id', { id: 'orgOut' }, [403, 404, 200, 200], rename()),
  // the org admin's own organisation is its parent's to rename (as to move or deactivate)
  R('POST /admin/orgs/:id', { id: 'districtIn' }, [403, 403, 404, 200], rename('思明区总工会')),
  R('POST /admin/orgs/:id/deactivate', { id: 'closeIn' }, [403, 200, 404, 200], { body: {} }),
  R('POST /admin/orgs/:id/deactivate', { id: 'closeOut' }, [403, 404, 200, 200], { body: {} }),
  // staff accounts
  R('GET /admin/staff', {}, [403, 200, 200, 200], { check: listed('staff') }),
  R('POST /admin/staff', {}, [403, 201, 404, 201], { body: (f) => ({ phone: freshPhone('15'), name: '矩阵新人', role: 'reviewer', org_id: f.streetIn }) }),
  R('POST /admin/staff', {}, [403, 404, 201, 201], { body: (f) => ({ phone: freshPhone('15'), name: '矩阵新人', role: 'reviewer', org_id: f.streetOut }) }),
  R('POST /admin/staff/:id', { id: 'staffIn' }, [403, 200, 404, 200], { body: { disabled: false } }),
  R('POST /admin/staff/:id', { id: 'staffOut' }, [403, 404, 200, 200], { body: { disabled: false } }),
  R('POST /admin/staff/:id/reset-password', { id: 'staffIn' }, [403, 200, 404, 200], { body: {} }),
  R('POST /admin/staff/:id/reset-password', { id: 'staffOut' }, [403, 404, 200, 200], { body: {} }),
  // the member register, audit log, dashboard
  R('GET /admin/members', {}, [403, 200, 200, 200], { check: listed('members') }),
  // an organisation filter out of scope is a bad filter (400 naming org_id), as a missing one
  R('GET /admin/members', { query: { org_id: 'streetOut' } }, [403, 400, 200, 200]),
  R('GET /admin/members/export', {}, [403, 200, 200, 200], { check: listed('members') }),
  R('GET /admin/audit', {}, [403, 403, 403, 200]),
  R('GET /admin/dashboard', {}, [403, 200, 200, 200]),
  // review: a reviewer its own union's applications, admins their subtree (read-only)
  R('GET /admin/applications', {}, [200, 200, 200, 200], { check: listed('applications') }),
  R('GET /admin/applications/:id', { id: 'appIn' }, [200, 200, 404, 200]),
  R('GET /admin/applications/:id', { id: 'appOut' }, [404, 404, 200, 200]),
  R('POST /admin/applications/:id/reveal-id', { id: 'appIn' }, [200, 403, 404, 403], { body: {} }),
  R('POST /admin/applications/:id/reveal-id', { id: 'appOut' }, [404, 404, 403, 403], { body: {} }),
  R('POST /admin/applications/:id/:action', { id: 'appIn', action: 'accept' }, [200, 403, 404, 403], { body: (f) => ({ version: f.version('appIn') }) }),
  R('POST /admin/applications/:id/:action', { id: 'appOut', action: 'accept' }, [404, 404, 403, 403], { body: (f) => ({ version: f.version('appOut') }) }),
  // units: org admins those of their subtree's streets, platform all (per-role units where the call changes them)
  R('GET /admin/units', {}, [403, 200, 200, 200]),
  R('POST /admin/units', {}, [403, 201, 403, 201], { body: () => newUnit('350203', '350203007') }),
  R('POST /admin/units', {}, [403, 403, 201, 201], { body: () => newUnit('350205', '350205001') }),
  // a dry run answers 200 with its line errors: a street outside the scope is one of them
  R('POST /admin/units/import', {}, [403, 200, 200, 200], {
    body: () => unitImport('350203', '350203007'),
    check: (who, r) => assert.equal(r.body.valid, who === 'otherAdmin' ? 0 : 1, `units import dry run as ${who}: ${r.text}`),
  }),
  R('POST /admin/units/:id', { id: 'unitIn' }, [403, 200, 404, 200], { body: { address: '矩阵路2号' } }),
  R('POST /admin/units/:id', { id: 'unitOut' }, [403, 404, 200, 200], { body: { address: '矩阵路3号' } }),
  R('POST /admin/units/:id/found-union', { id: 'foundIn' }, [403, 201, 404, 201], { body: {} }),
  R('POST /admin/units/:id/found-union', { id: 'foundOut' }, [403, 404, 201, 201], { body: {} }),
  R('POST /admin/units/:id/link-union', { id: 'linkIn' }, [403, 200, 404, 200], { body: (f) => ({ org_id: f.orgIn }) }),
  R('POST /admin/units/:id/link-union', { id: 'linkOut' }, [403, 404, 200, 200], { body: (f) => ({ org_id: f.orgOut }) }),
  // offline rosters (org admins their subtree, platform all): a dry run of one valid line
  R('GET /admin/rosters', {}, [403, 200, 200, 200]),
  R('GET /admin/rosters', { query: { org_id: 'streetOut' } }, [403, 404, 200, 200]),
  R('GET /admin/rosters/export', {}, [403, 200, 200, 200]),
  R('POST /admin/rosters', {}, [403, 200, 404, 200], { body: (f) => rosterDryRun(f.streetIn) }),
  R('POST /admin/rosters', {}, [403, 404, 200, 200], { body: (f) => rosterDryRun(f.streetOut) }),
  R('GET /admin/roster-conflicts', {}, [403, 200, 200, 200]),
  // no conflict has this id: the resolve handler answers as for one out of scope
  R('POST /admin/roster-conflicts/:id/resolve', { id: GHOST }, [403, 404, 404, 404], { body: { keep_entry_id: GHOST } }),
];

function newUnit(district, street) {
  return { name: uname('矩阵单位'), credit_code: creditCode(district), district_code: district, street_code: street, address: '矩阵路1号' };
}
function unitImport(district, street) {
  return { dry_run: true, csv: `单位名称,统一社会信用代码,所在区,所在镇街,地址\n${uname('矩阵导入')},${creditCode(district)},${district},${street},矩阵路5号\n` };
}

function rosterDryRun(orgId) {
  return { org_id: orgId, dry_run: true, csv: `姓名,身份证号,手机号,入会日期,会员编号\n矩阵花名,${freshId({ birth: '19850315' })},${freshPhone('17')},2015-03-01,\n` };
}

// What each role's lists show: fixture names that must appear (in) and must not (out).
const SEES = {
  orgs: { orgAdmin: ['思明区总工会'], otherAdmin: ['海沧区总工会'], platform: ['厦门市总工会'] },
  orgsIn: { orgAdmin: ['矩阵内工会'], platform: ['矩阵内工会'] },
  orgsOut: { otherAdmin: ['矩阵外工会'], platform: ['矩阵外工会'] },
  orgsSearch: { orgAdmin: ['矩阵内工会'], otherAdmin: ['矩阵外工会'], platform: ['矩阵内工会', '矩阵外工会'] },
  staff: { orgAdmin: ['矩阵内审核'], otherAdmin: ['矩阵外审核'], platform: ['矩阵内审核', '矩阵外审核'] },
  members: { orgAdmin: ['矩阵内会员'], otherAdmin: ['矩阵外会员'], platform: ['矩阵内会员', '矩阵外会员'] },
  applications: { reviewer: ['appIn'], orgAdmin: ['appIn'], otherAdmin: ['appOut'], platform: ['appIn', 'appOut'] },
};
// Names that belong to one side only (a list in 思明 must show none of 海沧's, and the reverse).
const SIDE = { in: ['矩阵内工会', '矩阵内审核', '矩阵内会员', 'appIn'], out: ['矩阵外工会', '矩阵外审核', '矩阵外会员', 'appOut'] };

function listed(kind) {
  return (who, r, f) => {
    const want = (SEES[kind][who] || []).map((n) => f.refs[n] || n);
    for (const n of want) assert.ok(r.text.includes(n), `${kind} as ${who} shows ${n}`);
    const side = who === 'orgAdmin' || who === 'reviewer' ? 'out' : who === 'otherAdmin' ? 'in' : null;
    for (const n of side ? SIDE[side] : []) assert.ok(!r.text.includes(f.refs[n] || n), `${kind} as ${who} shows nothing of the other district (${n})`);
  };
}

// ---- fixtures -----------------------------------------------------------------------------
let srv;
const C = {}; // role → client
const F = { refs: {} }; // fixtures: ids by name; per-role ones as { role: id }
const PASSWORD = 'Passw0rdXyz1';

let addr = 0;
async function worker(name) {
  const client = new Client(srv.url);
  client.headers['X-Forwarded-For'] = `10.66.${++addr >> 8}.${addr & 255}`;
  return register(srv, { client, idNumber: freshId(), name });
}

async function staffMember(role, org, name) {
  const phone = freshPhone('15');
  const r = addStaff(srv, { role, phone, name, org, password: PASSWORD });
  assert.equal(r.status, 0, 'user add: ' + r.stderr);
  return { phone, password: PASSWORD, id: Number(dbQuery(srv, `SELECT id FROM staff WHERE phone = '${phone}'`)[0][0]) };
}

async function login(s) {
  const { client, response } = await staffClient(srv, s);
  assert.equal(response.status, 200, response.text);
  return client;
}

// A submitted join application routed to the street union of `street` (no fixed unit).
const join = (w, street) => fileJoin(w.client, joinPlace(street));

async function approve(reviewer, app) {
  const r = await decide(reviewer, app.id, 'approve');
  assert.equal(r.status, 200, r.text);
}

async function createOrg(parentId, name) {
  const r = await C.platform.post('/api/v1/admin/orgs', { parent_id: parentId, name, kind: 'grassroots' });
  assert.equal(r.status, 201, r.text);
  return r.body.org.id;
}

// An appeal with one photo, filed as a worker who lost the phone would (captcha, code).
async function fileAppeal() {
  const c = new Client(srv.url);
  const phone = freshPhone('16');
  const cap = await c.post('/api/v1/captcha', {});
  const answers = readFileSync(pathJoin(srv.dataDir, 'captcha.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const answer = answers.find((a) => a.id === cap.body.captcha_id).answer;
  let r = await c.post('/api/v1/recover/appeal/sms-code', { phone, captcha_id: cap.body.captcha_id, captcha: answer });
  assert.equal(r.status, 202, r.text);
  const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
  r = await c.post('/api/v1/recover/appeal', {
    name: '矩阵申诉', id_number: freshId(), phone, code: await srv.waitForSms(phone), reason: '原手机号已停用',
    photos: [{ type: 'image/png', data: png }],
  });
  assert.equal(r.status, 201, r.text);
  return Number(dbQuery(srv, `SELECT id FROM appeal WHERE ref = '${r.body.ref}'`)[0][0]);
}

before(async () => {
  srv = await startServer({ env: { GONGHUI_TRUSTED_PROXIES: '127.0.0.1/32' } });
  const ORG = Object.fromEntries(dbQuery(srv, 'SELECT code, id FROM org').map(([code, id]) => [code, Number(id)]));
  Object.assign(F, { districtIn: ORG['350203'], streetIn: ORG['350203007'], streetOut: ORG['350205001'] });
  const people = {
    reviewer: await staffMember('reviewer', '350203007', '开元审核'),
    orgAdmin: await staffMember('org_admin', '350203', '思明管理'),
    otherAdmin: await staffMember('org_admin', '350205', '海沧管理'),
    platform: await staffMember('platform_admin', '350200', '平台管理'),
  };
  F.people = people;
  for (const [who, s] of Object.entries(people)) C[who] = await login(s);
  const outReviewer = await login(await staffMember('reviewer', '350205001', '海沧审核'));
  const w = await worker('矩阵职工');
  C.worker = w.client;
  C.anon = new Client(srv.url);

  // Organisations in and out of the district; one to close per role on each side.
  F.orgIn = await createOrg(F.streetIn, '矩阵内工会');
  F.orgOut = await createOrg(F.streetOut, '矩阵外工会');
  F.closeIn = {};
  F.closeOut = {};
  for (const who of ROLES) {
    F.closeIn[who] = await createOrg(F.streetIn, `矩阵停用内${who}`);
    F.closeOut[who] = await createOrg(F.streetOut, `矩阵停用外${who}`);
  }
  // Units in and out; one per role where the call changes it (建会, 关联工会).
  const unit = async (district, street) => {
    const r = await C.platform.post('/api/v1/admin/units', newUnit(district, street));
    assert.equal(r.status, 201, r.text);
    return r.body.unit.id;
  };
  F.unitIn = await unit('350203', '350203007');
  F.unitOut = await unit('350205', '350205001');
  for (const k of ['foundIn', 'foundOut', 'linkIn', 'linkOut']) F[k] = {};
  for (const who of ROLES) {
    F.foundIn[who] = await unit('350203', '350203007');
    F.foundOut[who] = await unit('350205', '350205001');
    F.linkIn[who] = await unit('350203', '350203007');
    F.linkOut[who] = await unit('350205', '350205001');
  }
  // Staff in and out.
  F.staffIn = (await staffMember('reviewer', '350203007', '矩阵内审核')).id;
  F.staffOut = (await staffMember('reviewer', '350205001', '矩阵外审核')).id;
  // Applications in and out, submitted; a member on each side.
  const appIn = await join(w, '350203007');
  const appOut = await join(await worker('矩阵外申请'), '350205001');
  F.appIn = appIn.id;
  F.appOut = appOut.id;
  F.refs.appIn = appIn.ref;
  F.refs.appOut = appOut.ref;
  await approve(C.reviewer, await join(await worker('矩阵内会员'), '350203007'));
  await approve(outReviewer, await join(await worker('矩阵外会员'), '350205001'));
  F.appeal = await fileAppeal();
  // The current version of an application (decisions need it).
  F.versions = {};
  for (const name of ['appIn', 'appOut']) {
    const d = await C.platform.get(`/api/v1/admin/applications/${F[name]}`);
    F.versions[name] = d.body.application.version;
  }
  F.version = (name) => F.versions[name];
});

after(async () => { await srv?.stop(); });

// ---- running it -----------------------------------------------------------------------------
// Route patterns of api.c, without /api/v1.
function adminRoutes() {
  const src = readFileSync(pathJoin(repoRoot, 'src/api/api.c'), 'utf8');
  const table = src.slice(src.indexOf('routes[] = {'), src.indexOf('};', src.indexOf('routes[] = {')));
  return [...table.matchAll(/\{\s*"(GET|POST|PUT|PATCH|DELETE)",\s*"\/api\/v1(\/admin\/[^"]*)"/g)].map((m) => `${m[1]} ${m[2]}`);
}

function value(v, who) {
  const x = typeof v === 'string' && v in F ? F[v] : v;
  return x && typeof x === 'object' ? x[who] : x;
}

// The request of a row for a role; ghost: every fixture id replaced by one nothing has.
async function request(row, who, { ghost = false } = {}) {
  const [method, pattern] = row.route.split(' ');
  const { query = {}, ...params } = row.params;
  const sub = (v) => (ghost && typeof v === 'string' && v in F ? GHOST : value(v, who));
  let path = '/api/v1' + pattern.replace(/:([a-z_]+)/g, (_, k) => encodeURIComponent(sub(params[k])));
  const qs = Object.entries(query).map(([k, v]) => `${k}=${encodeURIComponent(sub(v))}`).join('&');
  if (qs) path += '?' + qs;
  const body = typeof row.body === 'function' ? await row.body(F, who) : row.body;
  let c = C[who];
  if (row.fresh && STAFF_ROLES.includes(who)) c = await login(F.people[who]);
  return c.request(method, path, method === 'GET' ? undefined : body ?? {});
}

function expected(row, who) {
  const i = STAFF_ROLES.indexOf(who);
  if (i >= 0) return row.statuses[i];
  const own = row[who];
  return own === 'same' ? row.statuses[0] : own ?? 401;
}

// Nothing of the fixtures in an error body.
const SECRET_WORDS = /矩阵|思明|海沧|开元|1[3-9]\d{9}|\*{4}/;

test('every /api/v1/admin route of src/api/api.c has a line in the matrix', () => {
  const covered = new Set(MATRIX.map((r) => r.route));
  const missing = adminRoutes().filter((r) => !covered.has(r));
  assert.deepEqual(missing, [], 'routes without a line in MATRIX (see the comment at the top of this file)');
  const stale = [...covered].filter((r) => !adminRoutes().includes(r));
  assert.deepEqual(stale, [], 'MATRIX lines for routes api.c no longer has');
});

test('role × endpoint: each role gets its status, against objects in and out of its scope', async () => {
  const wrong = [];
  for (const row of MATRIX) {
    for (const who of ROLES) {
      const want = expected(row, who);
      const r = await request(row, who);
      const label = `${row.route} ${JSON.stringify(row.params)} as ${who}`;
      if (r.status !== want) {
        wrong.push(`${label}: ${r.status}, expected ${want} — ${r.text.slice(0, 160)}`);
        continue;
      }
      if (r.status >= 400) {
        try {
          assertErrorShape(r, label);
          assert.doesNotMatch(r.text, SECRET_WORDS, `${label}: nothing of the objects in a denial`);
        } catch (e) {
          wrong.push(e.message.split('\n')[0]);
        }
      } else if (row.check) {
        try {
          row.check(who, r, F);
        } catch (e) {
          wrong.push(`${label}: ${e.message.split('\n')[0]}`);
        }
      }
      // Out of scope reads as missing: the same 404 for an id nothing has.
      if (r.status === 404 && Object.keys(row.params).length) {
        const g = await request(row, who, { ghost: true });
        if (g.status !== 404 || g.text !== r.text) wrong.push(`${label}: out of scope answers ${r.text}, a missing one ${g.status} ${g.text}`);
      }
    }
  }
  assert.deepEqual(wrong, [], `${wrong.length} cells of the matrix differ:\n${wrong.join('\n')}`);
});

test('the denied calls changed nothing', () => {
  const names = dbQuery(srv, "SELECT name FROM org WHERE name LIKE '矩阵%'").map(([n]) => n);
  for (const who of ['orgAdmin', 'platform']) assert.ok(names.includes(`矩阵新建内${who}`), who);
  for (const who of ['otherAdmin', 'platform']) assert.ok(names.includes(`矩阵新建外${who}`), who);
  for (const who of ['anon', 'worker', 'reviewer', 'otherAdmin']) assert.ok(!names.includes(`矩阵新建内${who}`), who);
  for (const who of ['anon', 'worker', 'reviewer', 'orgAdmin']) assert.ok(!names.includes(`矩阵新建外${who}`), who);
  const active = Object.fromEntries(dbQuery(srv, 'SELECT id, active FROM org').map(([id, a]) => [Number(id), a === '1']));
  for (const who of ROLES) {
    assert.equal(active[F.closeIn[who]], !['orgAdmin', 'platform'].includes(who), `closeIn ${who}`);
    assert.equal(active[F.closeOut[who]], !['otherAdmin', 'platform'].includes(who), `closeOut ${who}`);
  }
  assert.equal(dbQuery(srv, `SELECT name FROM org WHERE id = ${F.districtIn}`)[0][0], '思明区总工会');
  assert.equal(dbQuery(srv, `SELECT status FROM application WHERE id = ${F.appIn}`)[0][0], 'processing', 'accepted by its reviewer only');
  assert.equal(dbQuery(srv, `SELECT status FROM application WHERE id = ${F.appOut}`)[0][0], 'submitted');
  assert.equal(dbQuery(srv, `SELECT status FROM appeal WHERE id = ${F.appeal}`)[0][0], 'rejected');
  const reveals = dbQuery(srv, "SELECT actor_id, target FROM audit_log WHERE action = 'id_number.reveal'");
  assert.deepEqual(reveals.map(([id]) => Number(id)), [F.people.reviewer.id], 'one reveal, by the reviewer');
});
