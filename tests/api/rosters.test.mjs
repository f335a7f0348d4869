// Offline rosters (issue 7 item 5; docs/api.md "Offline rosters and 信息核实与登记"): the import
// (line-numbered errors, dry run, duplicates in the file, in the roster and of member numbers,
// 15-digit ID numbers, all or nothing, BOM and English header, scope), linking at 信息完善, SMS
// login and password login, the 会员信息认领 for another phone, conflicts flagged to the lowest
// common ancestor only and resolved there, the masked list and export, hostile input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';
import { assertErrorShape, dbDump, dbQuery, decide, expectError, fileJoin, freshId, freshPhone, joinPlace, maskId, maskPhone, newStaff, postExpectContinue, register, sendCode } from './helpers.mjs';

const A = '/api/v1/admin';
const HEADER = '姓名,身份证号,手机号,入会日期,会员编号';
const MASKED_PHONE = /^1\d{2}\*{4}\d{4}$/;
const MASKED_ID = /^\d{4}\*{10}\d{3}[\dX]$/;

let srv;
let ORG = {}; // org code → id
const S = {}; // staff clients

// ---- helpers -------------------------------------------------------------------------------

// Each worker from its own client address (through the trusted proxy): the per-address SMS caps
// never bite.
let addr = 0;
function newClient() {
  addr++;
  const c = new Client(srv.url);
  c.headers['X-Forwarded-For'] = `10.88.${addr >> 8}.${addr & 255}`;
  return c;
}
async function worker(opts = {}) {
  return register(srv, { client: newClient(), name: opts.name || '吴名册', ...opts });
}

let noCounter = Math.floor(Math.random() * 1e6);
const memberNo = (p = 'SM') => `${p}-${++noCounter}`;
const birthId = () => freshId({ birth: '19850601' });
const csv = (rows, header = HEADER) => [header, ...rows.map((r) => r.join(','))].join('\r\n') + '\r\n';

function importRoster(c, orgCode, text, dryRun = false) {
  return c.post(`${A}/rosters`, { org_id: ORG[orgCode], csv: text, dry_run: dryRun });
}
async function imported(c, orgCode, rows) {
  const r = await importRoster(c, orgCode, csv(rows));
  assert.equal(r.status, 201, 'import: ' + r.text);
  return r.body;
}

async function list(c, qs = '') {
  const r = await c.get(`${A}/rosters${qs ? '?' + qs : ''}`);
  assert.equal(r.status, 200, r.text);
  return r.body;
}
async function entryOf(c, idNumber) {
  const l = await list(c, 'q=' + idNumber);
  assert.equal(l.items.length, 1, `one entry for ${maskId(idNumber)}: ${JSON.stringify(l)}`);
  return l.items[0];
}
const entriesIn = (code) => Number(dbQuery(srv, `SELECT COUNT(*) FROM roster_entry WHERE org_id = ${ORG[code]}`)[0][0]);

async function verification(c) {
  const r = await c.get('/api/v1/verification');
  assert.equal(r.status, 200, r.text);
  return r.body;
}

async function conflicts(c, qs = '') {
  const r = await c.get(`${A}/roster-conflicts${qs ? '?' + qs : ''}`);
  assert.equal(r.status, 200, r.text);
  return r.body;
}
const conflictFor = (body, idNumber) => body.items.find((k) => k.id_masked === maskId(idNumber));


// A worker who joined online at the street union `street` (no fixed unit), approved by `reviewer`.
async function onlineMember(street, reviewer, opts = {}) {
  const w = await worker(opts);
  const app = await fileJoin(w.client, joinPlace(street));
  const d = await decide(reviewer, app.id, 'approve');
  assert.equal(d.status, 200, d.text);
  return w;
}

async function smsLogin(client, phone) {
  await srv.advance(61); // the 60-second gap between codes to one phone
  const code = await sendCode(srv, client, phone);
  const r = await client.post('/api/v1/auth/sms-login', { phone, code });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'ok', r.text);
  return r.body;
}

async function passwordLogin(phone, password) {
  const client = newClient();
  const r = await client.post('/api/v1/auth/password-login', { username: phone, password });
  assert.equal(r.status, 200, r.text);
  return { client, body: r.body };
}

// Changes the bound phone (password + SMS code to the new phone).
async function changePhone(w, phone) {
  let r = await w.client.post('/api/v1/account/phone/sms-code', { phone });
  assert.equal(r.status, 202, r.text);
  const code = await srv.waitForSms(phone);
  r = await w.client.post('/api/v1/account/phone', { password: w.password, phone, code });
  assert.equal(r.status, 200, r.text);
  w.phone = phone;
}

const affairsOf = async (c) => (await c.get('/api/v1/affairs?tab=all&page_size=50')).body.items;

// ---- setup ---------------------------------------------------------------------------------

before(async () => {
  srv = await startServer({ env: { GONGHUI_TRUSTED_PROXIES: '127.0.0.1/32' } });
  ORG = Object.fromEntries(dbQuery(srv, 'SELECT code, id FROM org').map(([code, id]) => [code, Number(id)]));
  const made = await Promise.all([
    newStaff(srv, 'platform_admin', '350200', '平台管理'),
    newStaff(srv, 'org_admin', '350203', '思明管理'),
    newStaff(srv, 'org_admin', '350205', '海沧管理'),
    newStaff(srv, 'org_admin', '350203007', '开元管理'),
    newStaff(srv, 'reviewer', '350203007', '开元审核'),
    newStaff(srv, 'reviewer', '350203005', '滨海审核'),
    newStaff(srv, 'reviewer', '350205001', '海沧审核'),
  ]);
  [S.platform, S.admin, S.other, S.street, S.reviewer, S.r5, S.rh] = made;
});

after(async () => {
  await srv?.stop();
});

// ---- import --------------------------------------------------------------------------------

test('import: every bad row is reported with its line number and field; nothing is imported', async () => {
  const good = birthId();
  const dupNo = memberNo();
  const rows = [
    ['陈良好', good, freshPhone(), '2015-03-01', dupNo], // line 2
    ['陈1', birthId(), freshPhone(), '2015-03-01', ''], // 3: name
    ['陈校验', good.slice(0, 17) + (good[17] === '0' ? '1' : '0'), freshPhone(), '2015-03-01', ''], // 4: check character
    ['陈手机', birthId(), '12345678901', '2015-03-01', ''], // 5: phone
    ['陈日期', birthId(), freshPhone(), '2015-02-30', ''], // 6: date
    ['陈年少', birthId(), freshPhone(), '2000-01-01', ''], // 7: before the 16th birthday
    ['陈编号', birthId(), freshPhone(), '2015-03-01', '编号 1'], // 8: member number format
    ['陈系统', birthId(), freshPhone(), '2015-03-01', 'XM201500000001'], // 9: the system's own form
    ['', '', '', '', ''], // 10: blank, skipped
    ['陈重复', good, freshPhone(), '2016-01-01', ''], // 11: ID twice in the file
    ['陈同号', birthId(), freshPhone(), '2015-03-01', dupNo], // 12: member number twice
    ['陈缺失', birthId(), '', '', ''], // 13: phone and date missing
  ];
  const before = entriesIn('350203007');
  const r = await importRoster(S.admin, '350203007', csv(rows));
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(Object.keys(r.body), ['error']);
  assert.equal(r.body.error.code, 'roster_invalid');
  assert.match(r.body.error.message, /错误.*未导入/);
  const d = r.body.error.details;
  assert.equal(d.dry_run, false);
  assert.equal(d.imported, 0);
  assert.equal(d.batch_id, null);
  assert.equal(d.rows, 11, 'the blank line is not a row');
  const at = (line, field) => d.errors.find((e) => e.line === line && e.field === field);
  for (const [line, field] of [[3, 'name'], [4, 'id_number'], [5, 'phone'], [6, 'join_date'], [7, 'join_date'], [8, 'member_no'], [9, 'member_no'], [11, 'id_number'], [12, 'member_no'], [13, 'phone'], [13, 'join_date']]) {
    const e = at(line, field);
    assert.ok(e, `an error at line ${line}, field ${field}: ${JSON.stringify(d.errors)}`);
    assert.match(e.message, /[\u4e00-\u9fff]/);
  }
  assert.match(at(11, 'id_number').message, /第2行/);
  assert.match(at(12, 'member_no').message, /第2行/);
  assert.match(at(7, 'join_date').message, /16周岁/);
  assert.ok(!d.errors.some((e) => e.line === 2), 'the good line has no error');
  assert.ok(!d.errors.some((e) => e.line === 10), 'the blank line is skipped');
  assert.equal(d.error_count, d.errors.length);
  assert.equal(d.valid, 1);
  assert.equal(entriesIn('350203007'), before, 'nothing imported');
  assert.doesNotMatch(r.text, new RegExp(good), 'no full ID number in the report');

  // A header without the required columns: line 1, nothing else checked.
  const h = await importRoster(S.admin, '350203007', '姓名,手机号\r\n张三,13800001234\r\n');
  assert.equal(h.status, 422, h.text);
  const fields = h.body.error.details.errors.map((e) => [e.line, e.field]);
  assert.deepEqual(fields, [[1, 'id_number'], [1, 'join_date']]);
  const empty = await importRoster(S.admin, '350203007', '\r\n');
  assert.equal(empty.status, 422, empty.text);
  // A broken quote: the line is named.
  const q = await importRoster(S.admin, '350203007', csv([['"陈引号', birthId(), freshPhone(), '2015-03-01', '']]));
  assert.equal(q.status, 422, q.text);
  assert.equal(q.body.error.details.errors[0].line, 2);
});

test('dry run: the same report, 200 (errors and all), and nothing changes', async () => {
  const a = birthId(), b = birthId();
  const rows = [['林预览', a, freshPhone(), '2015-03-01', memberNo()], ['林预演', b, freshPhone(), '2018-07-01', '']];
  const before = entriesIn('350203007');
  const r = await importRoster(S.admin, '350203007', csv(rows), true);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, { dry_run: true, rows: 2, valid: 2, converted: 0, errors: [], error_count: 0, flagged: [], imported: 0, linked: 0, claims: 0, batch_id: null });
  assert.equal(entriesIn('350203007'), before);
  assert.equal((await list(S.admin, 'q=' + a)).total, 0);
  // A dry run with errors: 200 and its report, the errors listed (like the units import);
  // the real import of that file: 422 with the same report under error.details.
  const badCsv = csv([['林', a, freshPhone(), '2015-03-01', '']]);
  const bad = await importRoster(S.admin, '350203007', badCsv, true);
  assert.equal(bad.status, 200, bad.text);
  assert.equal(bad.body.dry_run, true);
  assert.equal(bad.body.error_count, 1);
  assert.equal(bad.body.valid, 0);
  assert.equal(bad.body.imported, 0);
  assert.equal(bad.body.batch_id, null);
  assert.deepEqual(bad.body.errors.map((e) => [e.line, e.field]), [[2, 'name']]);
  const badReal = await importRoster(S.admin, '350203007', badCsv);
  assert.equal(badReal.status, 422, badReal.text);
  assert.equal(badReal.body.error.code, 'roster_invalid');
  assert.deepEqual({ ...badReal.body.error.details, dry_run: true }, bad.body);
  // A file-level problem in a dry run (no header): 200 too, line 1 named.
  const noHeader = await importRoster(S.admin, '350203007', '姓名,手机号\r\n张三,13800001234\r\n', true);
  assert.equal(noHeader.status, 200, noHeader.text);
  assert.deepEqual(noHeader.body.errors.map((e) => [e.line, e.field]), [[1, 'id_number'], [1, 'join_date']]);
  assert.equal(entriesIn('350203007'), before);
  // Then the real import of the same file.
  const done = await importRoster(S.admin, '350203007', csv(rows));
  assert.equal(done.status, 201, done.text);
  assert.equal(done.body.imported, 2);
  assert.ok(Number.isInteger(done.body.batch_id));
  assert.equal(entriesIn('350203007'), before + 2);
});

test('15-digit ID numbers are converted; a BOM, an English header and columns in any order; dates as spreadsheets write them', async () => {
  const id18 = freshId({ birth: '19800302' });
  const id15 = id18.slice(0, 6) + id18.slice(8, 17);
  const other = freshId({ birth: '19790101' });
  const no = memberNo('EN');
  const text = '\uFEFFphone,Name,join_date,id_number,member_no,remark\r\n' +
    `${freshPhone()},郑旧证,2001/3/5,${id15},${no},一代证\r\n` +
    `${freshPhone()},郑新证,20100708,${other.toLowerCase()},,\r\n`;
  const r = await importRoster(S.admin, '350203007', text);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.rows, 2);
  assert.equal(r.body.converted, 1);
  assert.equal(r.body.imported, 2);
  const e = await entryOf(S.admin, id18);
  assert.equal(e.id_masked, maskId(id18));
  assert.equal(e.name, '郑旧证');
  assert.equal(e.joined_on, '2001-03-05');
  assert.equal(e.member_no, no);
  assert.equal(e.status, 'unlinked');
  assert.equal(e.status_label, '待关联');
  assert.deepEqual(e.org, { id: ORG['350203007'], name: e.org.name });
  assert.equal((await entryOf(S.admin, other)).joined_on, '2010-07-08');
  // The 15-digit number finds the entry too.
  assert.equal((await list(S.admin, 'q=' + id15)).total, 1);
  // Stored encrypted: the full number is nowhere in the database.
  const dump = dbDump(srv);
  assert.ok(!dump.includes(id18) && !dump.includes(id15));
});

test('duplicates: already in this roster, already a member here, a member number taken — all or nothing', async () => {
  const inRoster = birthId();
  const no = memberNo();
  await imported(S.admin, '350203005', [['黄在册', inRoster, freshPhone(), '2015-03-01', no]]);
  const m = await onlineMember('350203005', S.r5, { name: '黄会员', idNumber: birthId() });
  const before = entriesIn('350203005');
  const fresh = birthId();
  const r = await importRoster(S.admin, '350203005', csv([
    ['黄新人', fresh, freshPhone(), '2015-03-01', ''], // 2: fine
    ['黄在册', inRoster, freshPhone(), '2015-03-01', ''], // 3: in this roster
    ['黄会员', m.idNumber, m.phone, '2015-03-01', ''], // 4: a current member here
    ['黄占号', birthId(), freshPhone(), '2015-03-01', no], // 5: the number is an entry's
  ]));
  assert.equal(r.status, 422, r.text);
  const errs = r.body.error.details.errors;
  assert.deepEqual(errs.map((e) => [e.line, e.field]), [[3, 'id_number'], [4, 'id_number'], [5, 'member_no']]);
  assert.match(errs[0].message, /本组织的名册/);
  assert.match(errs[1].message, /已是本组织的会员/);
  assert.match(errs[2].message, /已被使用/);
  assert.equal(entriesIn('350203005'), before, 'the good line was not imported either');
  assert.equal((await list(S.admin, 'q=' + fresh)).total, 0);
  // A member number held by a membership (the online member's XM number) is taken too.
  const ms = (await m.client.get('/api/v1/membership')).body.membership;
  const t = await importRoster(S.admin, '350203005', csv([['黄借号', birthId(), freshPhone(), '2015-03-01', ms.member_no]]));
  assert.equal(t.status, 422, t.text);
  assert.equal(t.body.error.details.errors[0].field, 'member_no'); // the XM form is refused outright
});

test('scope: reviewers 403, another district 404, workers and anonymous 401; nothing imported', async () => {
  const text = csv([['周范围', birthId(), freshPhone(), '2015-03-01', '']]);
  const before = entriesIn('350203007');
  const w = await worker();
  const anon = new Client(srv.url);
  expectError(await importRoster(S.reviewer, '350203007', text), 403, 'forbidden');
  expectError(await importRoster(S.other, '350203007', text), 404, 'not_found');
  expectError(await importRoster(S.street, '350203005', text), 404, 'not_found', undefined, 'a sibling street');
  expectError(await importRoster(S.street, '350203', text), 404, 'not_found', undefined, 'the parent');
  expectError(await w.client.post(`${A}/rosters`, { org_id: ORG['350203007'], csv: text }), 401, 'unauthenticated');
  expectError(await anon.post(`${A}/rosters`, { org_id: ORG['350203007'], csv: text }), 401, 'unauthenticated');
  assert.equal(entriesIn('350203007'), before);
  expectError(await S.reviewer.get(`${A}/rosters`), 403, 'forbidden');
  expectError(await S.other.get(`${A}/rosters?org_id=${ORG['350203007']}`), 404, 'not_found');
  expectError(await S.reviewer.get(`${A}/rosters/export`), 403, 'forbidden');
  expectError(await S.reviewer.get(`${A}/roster-conflicts`), 403, 'forbidden');
  expectError(await S.reviewer.post(`${A}/roster-conflicts/1/resolve`, { keep_entry_id: 1 }), 403, 'forbidden');
  expectError(await w.client.get('/api/v1/admin/rosters'), 401, 'unauthenticated');
  // The street admin imports into its own street; the district admin lists it; 海沧 sees none.
  const r = await importRoster(S.street, '350203007', text);
  assert.equal(r.status, 201, r.text);
  assert.ok((await list(S.admin, `org_id=${ORG['350203007']}&q=周范围`)).total >= 1);
  assert.equal((await list(S.other, 'q=周范围')).total, 0);
  assert.equal((await list(S.street, 'q=周范围')).total, 1);
});

// ---- linking -------------------------------------------------------------------------------

test('linking at 信息完善: the same ID number and phone → a current membership from the roster, not yet verified', async () => {
  const id = birthId(), phone = freshPhone(), no = memberNo();
  await imported(S.admin, '350203007', [['王线下', id, phone, '2012-05-20', no]]);
  const w = await worker({ idNumber: id, phone, name: '王线下' });
  assert.equal(w.user.is_member, true, 'the response of 信息完善 already shows the membership');
  const v = await verification(w.client);
  assert.equal(v.state, 'unverified');
  assert.equal(v.can_register, false);
  assert.equal(v.record.source, 'roster');
  assert.equal(v.record.joined_on, '2012-05-20');
  assert.equal(v.record.member_no, no);
  assert.equal(v.record.org.id, ORG['350203007']);
  assert.equal(v.record.id_masked, maskId(id));
  assert.equal(v.record.status, 'active');
  const ms = (await w.client.get('/api/v1/membership')).body.membership;
  assert.equal(ms.joined_at, '2012-05-20');
  assert.equal(ms.member_no, no);
  const e = await entryOf(S.admin, id);
  assert.equal(e.status, 'linked');
  // Logging in again links nothing twice.
  await passwordLogin(phone, w.password);
  assert.equal(dbQuery(srv, `SELECT COUNT(*) FROM membership WHERE worker_id = ${w.user.id}`)[0][0], '1');
  // Joining again is refused: a member already.
  const j = (await w.client.get('/api/v1/join/eligibility')).body;
  assert.equal(j.eligible, false);
});

test('linking at import for an existing account with the same phone; the count says so', async () => {
  const w = await worker({ idNumber: birthId(), name: '钱已注册' });
  assert.equal((await verification(w.client)).state, 'none');
  const r = await imported(S.admin, '350203005', [['钱已注册', w.idNumber, w.phone, '2011-01-01', '']]);
  assert.equal(r.linked, 1);
  assert.equal(r.claims, 0);
  const v = await verification(w.client);
  assert.equal(v.state, 'unverified');
  assert.equal(v.record.org.id, ORG['350203005']);
  assert.match(v.record.member_no, /^XM2011\d{8}$/, 'a number of the year joined when the roster has none');
});

test('same ID number, another phone → a 会员信息认领 by the system; approval links it and keeps the account phone', async () => {
  const w = await worker({ idNumber: birthId(), name: '孙认领' });
  const rosterPhone = freshPhone();
  const no = memberNo();
  const r = await imported(S.admin, '350203007', [['孙认领', w.idNumber, rosterPhone, '2014-09-09', no]]);
  assert.equal(r.claims, 1);
  assert.equal(r.linked, 0);
  const v = await verification(w.client);
  assert.equal(v.state, 'claim_pending');
  assert.equal(v.record, null);
  assert.equal(v.can_register, false);
  assert.equal(v.open_application.kind, 'claim');
  assert.equal((await entryOf(S.admin, w.idNumber)).status, 'claim');
  // In 我的办事 with its RL reference; made by 系统; the worker cannot change it.
  const items = await affairsOf(w.client);
  const claim = items.find((x) => x.kind === 'claim');
  assert.ok(claim, JSON.stringify(items));
  assert.match(claim.ref, /^RL\d{16}$/);
  assert.equal(claim.kind_label, '会员信息认领');
  assert.equal(claim.status, 'submitted');
  assert.deepEqual(claim.actions, []);
  const d = (await w.client.get(`/api/v1/applications/${claim.id}`)).body.application;
  assert.equal(d.timeline.length, 1);
  assert.equal(d.timeline[0].actor, '系统');
  assert.equal(d.timeline[0].action, 'submit');
  assert.equal(d.org.id, ORG['350203007']);
  assert.equal(d.display.roster.phone_masked, maskPhone(rosterPhone));
  assert.ok(d.next_steps);
  expectError(await w.client.post(`/api/v1/applications/${claim.id}/withdraw`, { version: d.version }), 409, 'invalid_state');
  expectError(await w.client.request('PUT', `/api/v1/applications/${claim.id}`, { data: {}, version: d.version }), 409, 'invalid_state');
  expectError(await w.client.request('DELETE', `/api/v1/applications/${claim.id}`), 409, 'invalid_state');
  const own = await w.client.post('/api/v1/applications', { kind: 'claim', request_id: randomUUID(), data: {}, submit: true });
  expectError(own, 422, 'kind_not_allowed', 'kind');
  // Joining and 信息登记 wait for the claim.
  const j = (await w.client.get('/api/v1/join/eligibility')).body;
  assert.equal(j.eligible, false);
  assert.match(j.conditions.find((c) => c.key === 'no_open_application').reason, /认领/);
  assert.equal((await w.client.get('/api/v1/registration/eligibility')).body.eligible, false);
  // The reviewer of the entry's union decides it in the queue; another union's does not see it.
  const q = await S.reviewer.get(`${A}/applications?kind=claim`);
  assert.ok(q.body.items.some((x) => x.id === claim.id));
  expectError(await S.r5.get(`${A}/applications/${claim.id}`), 404, 'not_found');
  const rd = (await S.reviewer.get(`${A}/applications/${claim.id}`)).body.application;
  assert.deepEqual(rd.actions, ['accept', 'approve', 'reject'], 'a claim is not returned');
  assert.equal(rd.display.roster.name, '孙认领');
  expectError(await decide(S.reviewer, claim.id, 'return', '请补充'), 409, 'invalid_state');
  // The district admin sees it read-only.
  const ad = await S.admin.get(`${A}/applications/${claim.id}`);
  assert.equal(ad.status, 200);
  assert.equal(ad.body.application.can_decide, false);
  const ok = await decide(S.reviewer, claim.id, 'approve');
  assert.equal(ok.status, 200, ok.text);
  const after = await verification(w.client);
  assert.equal(after.state, 'unverified');
  assert.equal(after.record.member_no, no);
  assert.equal(after.record.joined_on, '2014-09-09');
  assert.equal(after.record.source, 'roster');
  assert.equal((await entryOf(S.admin, w.idNumber)).status, 'linked');
  const acct = (await w.client.get('/api/v1/account')).body.user;
  assert.equal(acct.phone, maskPhone(w.phone), 'the account keeps its own phone');
  const hist = (await w.client.get('/api/v1/membership')).body.membership.events;
  assert.equal(hist[0].application_ref, claim.ref);
});

test('an account made after the import with another phone: the claim opens at 信息完善', async () => {
  const id = birthId();
  await imported(S.admin, '350203005', [['卫后注册', id, freshPhone(), '2012-12-12', '']]);
  const w = await worker({ idNumber: id, name: '卫后注册' });
  assert.equal(w.user.is_member, false);
  const v = await verification(w.client);
  assert.equal(v.state, 'claim_pending');
  assert.equal(v.open_application.kind, 'claim');
  const d = (await w.client.get(`/api/v1/applications/${v.open_application.id}`)).body.application;
  assert.equal(d.org.id, ORG['350203005']);
  assert.equal((await entryOf(S.admin, id)).status, 'claim');
  // Logging in again opens no second claim.
  await passwordLogin(w.phone, w.password);
  assert.equal((await affairsOf(w.client)).filter((x) => x.kind === 'claim').length, 1);
});

test('a rejected claim: the entry waits again, no new claim at the next login; with the roster phone bound, SMS login links it', async () => {
  const w = await worker({ idNumber: birthId(), name: '冯驳回' });
  const rosterPhone = freshPhone();
  await imported(S.admin, '350203007', [['冯驳回', w.idNumber, rosterPhone, '2013-03-03', '']]);
  const claim = (await affairsOf(w.client)).find((x) => x.kind === 'claim');
  const rj = await decide(S.reviewer, claim.id, 'reject', '手机号不符，无法确认为本人');
  assert.equal(rj.status, 200, rj.text);
  assert.equal((await entryOf(S.admin, w.idNumber)).status, 'unlinked');
  await passwordLogin(w.phone, w.password);
  assert.equal((await affairsOf(w.client)).filter((x) => x.kind === 'claim').length, 1, 'not asked again');
  const v = await verification(w.client);
  assert.equal(v.state, 'none');
  assert.equal(v.can_register, true, '信息登记 is the way now');
  // The worker binds the roster's phone; the next SMS login links the entry.
  await changePhone(w, rosterPhone);
  assert.equal((await verification(w.client)).state, 'none', 'a phone change is not a login');
  const c = newClient();
  const l = await smsLogin(c, rosterPhone);
  assert.equal(l.user.is_member, true);
  assert.equal((await verification(c)).state, 'unverified');
  assert.equal((await entryOf(S.admin, w.idNumber)).status, 'linked');
});

test('linking at password login', async () => {
  const w = await worker({ idNumber: birthId(), name: '褚密码' });
  const rosterPhone = freshPhone();
  await imported(S.admin, '350203005', [['褚密码', w.idNumber, rosterPhone, '2016-06-06', '']]);
  const claim = (await affairsOf(w.client)).find((x) => x.kind === 'claim');
  assert.equal((await decide(S.r5, claim.id, 'reject', '无法确认')).status, 200);
  await changePhone(w, rosterPhone);
  const { client, body } = await passwordLogin(rosterPhone, w.password);
  assert.equal(body.user.is_member, true);
  const v = await verification(client);
  assert.equal(v.state, 'unverified');
  assert.equal(v.record.joined_on, '2016-06-06');
});

// ---- conflicts -----------------------------------------------------------------------------

test('the same ID number in two streets of one district: flagged to the district only, never linked, resolved there', async () => {
  const id = birthId(), phone = freshPhone();
  await imported(S.admin, '350203007', [['蒋重复', id, phone, '2010-10-10', '']]);
  const r = await importRoster(S.admin, '350203005', csv([['蒋重复', id, freshPhone(), '2011-11-11', '']]));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.imported, 1);
  assert.deepEqual(r.body.flagged, [{ line: 2, id_masked: maskId(id), other_org: { id: ORG['350203007'], name: r.body.flagged[0].other_org.name } }]);
  const both = (await list(S.admin, 'q=' + id)).items;
  assert.deepEqual(both.map((e) => e.status).sort(), ['flagged', 'flagged']);
  assert.ok(both.every((e) => e.status_label === '重复待处理'));
  // Seen by the district (the lowest common ancestor) and the city above it; not by the street
  // admin of one side nor by another district.
  const k = conflictFor(await conflicts(S.admin, 'status=open'), id);
  assert.ok(k, 'the district sees it');
  assert.equal(k.ancestor.id, ORG['350203']);
  assert.equal(k.status, 'open');
  assert.equal(k.entries.length, 2);
  assert.ok(k.entries.every((e) => e.kind === 'roster' && e.entry_id && e.status === 'flagged'));
  assert.ok(conflictFor(await conflicts(S.platform), id));
  assert.equal(conflictFor(await conflicts(S.street), id), undefined);
  assert.equal(conflictFor(await conflicts(S.other), id), undefined);
  // The person registers: nothing is linked while flagged; joining and 信息登记 wait.
  const w = await worker({ idNumber: id, phone, name: '蒋重复' });
  assert.equal(w.user.is_member, false);
  const v = await verification(w.client);
  assert.equal(v.state, 'flagged');
  assert.equal(v.can_register, false);
  const j = (await w.client.get('/api/v1/join/eligibility')).body;
  assert.equal(j.eligible, false);
  assert.match(j.conditions.find((c) => c.key === 'not_member').reason, /名册/);
  expectError(await w.client.post('/api/v1/verification/confirm', {}), 409, 'not_eligible');
  // Only the ancestor's scope resolves it.
  const keep = k.entries.find((e) => e.org.id === ORG['350203007']).entry_id;
  expectError(await S.street.post(`${A}/roster-conflicts/${k.id}/resolve`, { keep_entry_id: keep }), 404, 'not_found');
  expectError(await S.other.post(`${A}/roster-conflicts/${k.id}/resolve`, { keep_entry_id: keep }), 404, 'not_found');
  expectError(await S.admin.post(`${A}/roster-conflicts/${k.id}/resolve`, { keep_entry_id: 999999999 }), 400, 'invalid_field', 'keep_entry_id');
  const res = await S.admin.post(`${A}/roster-conflicts/${k.id}/resolve`, { keep_entry_id: keep });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.conflict.status, 'resolved');
  assert.equal(res.body.conflict.kept_entry_id, keep);
  // The kept one is linked at once (its account exists, same phone); the other is set aside.
  const after = (await list(S.admin, 'q=' + id)).items;
  assert.equal(after.find((e) => e.id === keep).status, 'linked');
  assert.equal(after.find((e) => e.id !== keep).status, 'set_aside');
  assert.equal(after.find((e) => e.id !== keep).status_label, '已作废');
  const v2 = await verification(w.client);
  assert.equal(v2.state, 'unverified');
  assert.equal(v2.record.org.id, ORG['350203007']);
  expectError(await S.admin.post(`${A}/roster-conflicts/${k.id}/resolve`, { keep_entry_id: keep }), 409, 'conflict');
  assert.ok(conflictFor(await conflicts(S.admin, 'status=resolved'), id));
  assert.equal(conflictFor(await conflicts(S.admin, 'status=open'), id), undefined);
  // Audit-logged.
  const au = await S.platform.get(`${A}/audit?action=roster.conflict.resolve&target=conflict%20${k.id}`);
  assert.equal(au.body.total, 1);
});

test('two districts: flagged to the city; neither district sees it; a third roster joins the same conflict', async () => {
  const id = birthId();
  await imported(S.admin, '350203007', [['韩两区', id, freshPhone(), '2010-01-01', '']]);
  const r = await imported(S.other, '350205', [['韩两区', id, freshPhone(), '2010-01-01', '']]);
  assert.equal(r.flagged.length, 1);
  assert.equal(conflictFor(await conflicts(S.admin), id), undefined);
  assert.equal(conflictFor(await conflicts(S.other), id), undefined);
  const k = conflictFor(await conflicts(S.platform), id);
  assert.equal(k.ancestor.id, ORG['350200']);
  await imported(S.admin, '350203005', [['韩两区', id, freshPhone(), '2010-01-01', '']]);
  const k2 = conflictFor(await conflicts(S.platform, 'status=open'), id);
  assert.equal(k2.id, k.id, 'one open conflict per person');
  assert.equal(k2.entries.length, 3);
  // The district admin cannot resolve what only the city sees.
  expectError(await S.admin.post(`${A}/roster-conflicts/${k.id}/resolve`, { keep_entry_id: k2.entries[0].entry_id }), 404, 'not_found');
  const res = await S.platform.post(`${A}/roster-conflicts/${k.id}/resolve`, { keep_entry_id: k2.entries[2].entry_id });
  assert.equal(res.status, 200, res.text);
  const st = (await list(S.platform, 'q=' + id)).items.map((e) => e.status).sort();
  assert.deepEqual(st, ['set_aside', 'set_aside', 'unlinked']);
});

test('a roster entry against a current membership elsewhere: flagged with the membership; only the membership can be kept', async () => {
  const m = await onlineMember('350205001', S.rh, { idNumber: birthId(), name: '杨海沧' });
  const r = await imported(S.admin, '350203007', [['杨海沧', m.idNumber, m.phone, '2009-09-09', '']]);
  assert.equal(r.flagged.length, 1);
  assert.equal(r.linked, 0);
  const k = conflictFor(await conflicts(S.platform), m.idNumber);
  assert.equal(k.ancestor.id, ORG['350200']);
  const mem = k.entries.find((e) => e.kind === 'membership');
  assert.ok(mem.membership_id);
  assert.equal(mem.status, 'active');
  assert.equal(mem.org.id, ORG['350205001']);
  const entry = k.entries.find((e) => e.kind === 'roster');
  expectError(await S.platform.post(`${A}/roster-conflicts/${k.id}/resolve`, { keep_entry_id: entry.entry_id }), 400, 'invalid_field', 'keep_entry_id');
  expectError(await S.platform.post(`${A}/roster-conflicts/${k.id}/resolve`, {}), 400, 'required', 'keep_entry_id');
  expectError(await S.platform.post(`${A}/roster-conflicts/${k.id}/resolve`, { keep_membership_id: String(mem.membership_id) }), 400, 'invalid_field');
  expectError(await S.platform.post(`${A}/roster-conflicts/${k.id}/resolve`, { keep_entry_id: entry.entry_id, keep_membership_id: mem.membership_id }), 400, 'invalid_field');
  const res = await S.platform.post(`${A}/roster-conflicts/${k.id}/resolve`, { keep_membership_id: mem.membership_id });
  assert.equal(res.status, 200, res.text);
  assert.equal((await entryOf(S.platform, m.idNumber)).status, 'set_aside');
  const v = await verification(m.client);
  assert.equal(v.state, 'verified');
  assert.equal(v.record.org.id, ORG['350205001']);
});

test('a union deactivated with its members moved takes its unlinked roster entries along', async () => {
  const org = await S.admin.post(`${A}/orgs`, { parent_id: ORG['350203007'], name: '名册停用工会', kind: 'grassroots' });
  assert.equal(org.status, 201, org.text);
  ORG[org.body.org.code] = org.body.org.id;
  const id = birthId();
  await imported(S.admin, org.body.org.code, [['梁停用', id, freshPhone(), '2012-02-02', '']]);
  const d = await S.admin.post(`${A}/orgs/${org.body.org.id}/deactivate`, { move_to: ORG['350203005'] });
  assert.equal(d.status, 200, d.text);
  const e = await entryOf(S.admin, id);
  assert.equal(e.org.id, ORG['350203005']);
  assert.equal(e.status, 'unlinked');
});

// ---- list and export -----------------------------------------------------------------------

test('list and export are masked; search by name, member number, phone and full ID number; the export is audit-logged', async () => {
  const id = birthId(), phone = freshPhone(), no = memberNo('EX');
  await imported(S.admin, '350203005', [['曹导出', id, phone, '2015-05-05', no]]);
  const l = await list(S.admin, 'q=曹导出');
  assert.equal(l.total, 1);
  assert.equal(l.page_size, 20);
  const e = l.items[0];
  assert.match(e.id_masked, MASKED_ID);
  assert.match(e.phone_masked, MASKED_PHONE);
  assert.deepEqual(Object.keys(e).sort(), ['batch_id', 'id', 'id_masked', 'joined_on', 'member_no', 'name', 'org', 'phone_masked', 'status', 'status_label'].sort());
  assert.equal((await list(S.admin, 'q=' + no)).items[0].id, e.id);
  assert.equal((await list(S.admin, 'q=' + phone)).items[0].id, e.id);
  assert.equal((await list(S.admin, 'q=' + id)).items[0].id, e.id);
  assert.equal((await list(S.admin, `org_id=${ORG['350203005']}&status=unlinked&q=曹导出`)).total, 1);
  assert.equal((await list(S.admin, `org_id=${ORG['350203007']}&q=曹导出`)).total, 0);
  assert.equal((await list(S.admin, 'status=linked&q=曹导出')).total, 0);
  const all = await S.admin.get(`${A}/rosters?page=1`);
  assert.doesNotMatch(all.text, /\d{17}[\dX]/, 'no full ID number in a list');
  assert.doesNotMatch(all.text, /"1[3-9]\d{9}"/, 'no full phone in a list');
  const res = await fetch(`${srv.url}${A}/rosters/export?q=${encodeURIComponent('曹导出')}`, { headers: { Cookie: S.admin.cookieHeader() } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/csv/);
  const buf = Buffer.from(await res.arrayBuffer());
  assert.deepEqual([...buf.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = buf.toString('utf8');
  assert.match(text, /姓名,身份证号,手机号,入会日期,会员编号,所属工会,状态,导入批次\r\n/);
  assert.ok(text.includes(maskId(id)));
  assert.ok(text.includes(maskPhone(phone)));
  assert.ok(!text.includes(id) && !text.includes(phone));
  assert.ok(text.includes(`"${no}"`));
  const au = await S.platform.get(`${A}/audit?action=rosters.export`);
  assert.ok(au.body.total >= 1);
  const imp = await S.platform.get(`${A}/audit?action=roster.import`);
  assert.ok(imp.body.total >= 1);
  assert.doesNotMatch(imp.text, /\d{17}[\dX]/);
});

// ---- hostile input -------------------------------------------------------------------------

test('hostile input on the roster endpoints: 4xx with the field, never 5xx, nothing imported', async () => {
  const text = csv([['秦恶意', birthId(), freshPhone(), '2015-03-01', '']]);
  const before = entriesIn('350203007');
  const cases = [
    [{ org_id: String(ORG['350203007']), csv: text }, 400, 'org_id'],
    [{ org_id: null, csv: text }, 400, 'org_id'],
    [{ csv: text }, 400, 'org_id'],
    [{ org_id: -1, csv: text }, 404, undefined],
    [{ org_id: 2 ** 53, csv: text }, 404, undefined],
    [{ org_id: ORG['350203007'] }, 400, 'csv'],
    [{ org_id: ORG['350203007'], csv: 42 }, 400, 'csv'],
    [{ org_id: ORG['350203007'], csv: ['a'] }, 400, 'csv'],
    [{ org_id: ORG['350203007'], csv: '' }, 400, 'csv'],
    [{ org_id: ORG['350203007'], csv: text, dry_run: 'yes' }, 400, 'dry_run'],
  ];
  for (const [body, status, field] of cases) {
    const r = await S.admin.post(`${A}/rosters`, body);
    assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 80)} → ${r.text}`);
    assertErrorShape(r);
    if (field) assert.equal(r.body.error.field, field);
  }
  // Odd CSV content: control characters, formula-like cells, overlong and many columns.
  const odd = [
    ['秦\u0007控制', birthId(), freshPhone(), '2015-03-01', ''],
    ['=HYPERLINK("x")', birthId(), freshPhone(), '2015-03-01', ''],
    ['秦'.repeat(40), birthId(), freshPhone(), '2015-03-01', ''],
    ['秦超长', birthId() + '1', freshPhone(), '2015-03-01', ''],
    ['秦编号', birthId(), freshPhone(), '2015-03-01', 'A'.repeat(33)],
    ['秦日期', birthId(), freshPhone(), '2015-03-01T00:00', ''],
    ['秦未来', birthId(), freshPhone(), '2199-01-01', ''],
  ];
  const r = await importRoster(S.admin, '350203007', csv(odd));
  assert.equal(r.status, 422, r.text);
  assert.deepEqual(r.body.error.details.errors.map((e) => e.line), [2, 3, 4, 5, 6, 7, 8]);
  const wide = await importRoster(S.admin, '350203007', HEADER + ',' + Array(20).fill('x').join(',') + '\r\n');
  assert.equal(wide.status, 422, wide.text);
  // A file over 4 MiB: 413 before anything is read (the cap is checked before the session).
  const big = JSON.stringify({ org_id: ORG['350203007'], csv: 'x'.repeat(4 * 1024 * 1024 + 10) });
  expectError(await postExpectContinue(srv, `${A}/rosters`, big), 413, 'body_too_large');
  // Just under the cap is read (and refused for its content).
  const near = await S.admin.post(`${A}/rosters`, { org_id: ORG['350203007'], csv: HEADER + '\r\n' + `秦大,${birthId()},${freshPhone()},2015-03-01,\r\n`.repeat(40000) });
  assert.equal(near.status, 422, near.text.slice(0, 300));
  assert.ok(near.body.error.details.errors.some((e) => /20000/.test(e.message)));
  assert.equal(entriesIn('350203007'), before);
  // The list and the conflicts: bad filters.
  for (const qs of ['status=nope', 'page=0', 'page=abc', 'org_id=abc', `q=${'长'.repeat(51)}`, 'q=%01']) {
    const l = await S.admin.get(`${A}/rosters?${qs}`);
    assert.ok(l.status === 400, `${qs} → ${l.status} ${l.text}`);
    assertErrorShape(l);
  }
  for (const qs of ['status=closed', 'page=-1']) {
    const l = await S.admin.get(`${A}/roster-conflicts?${qs}`);
    assert.equal(l.status, 400, l.text);
  }
  for (const id of ['abc', '0', '-1', '99999999', '1%00', '1.0', '%31']) {
    const l = await S.platform.post(`${A}/roster-conflicts/${id}/resolve`, { keep_entry_id: 1 });
    assert.ok([400, 404].includes(l.status), `${id} → ${l.status} ${l.text}`);
    assertErrorShape(l);
  }
  const bad = await S.admin.post(`${A}/rosters`, '{"org_id":1,"org_id":2}', { headers: { 'Content-Type': 'application/json' } });
  expectError(bad, 400, 'invalid_json');
  // The server is fine.
  assert.equal((await list(S.admin)).page, 1);
});
