// Shared pieces of the browser tests: Debian's Chromium through playwright-core, test data
// (a fresh phone per run, a valid GB 11643 ID number) and screenshots into build/screenshots.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const screenshotDir = join(repoRoot, 'build/screenshots');

export const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 ' +
  '(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
  });
}

// 139 + 8 random digits: a new account on every run.
export function randomPhone() {
  return `139${String(randomInt(0, 1e8)).padStart(8, '0')}`;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export function idCheckChar(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

// A valid 18-character ID number of a Xiamen (思明区) resident born 1970–1999.
export function randomIdNumber() {
  const year = 1970 + randomInt(0, 30);
  const month = String(1 + randomInt(0, 12)).padStart(2, '0');
  const day = String(1 + randomInt(0, 28)).padStart(2, '0');
  const seq = String(randomInt(0, 1000)).padStart(3, '0');
  const first17 = `350203${year}${month}${day}${seq}`;
  return first17 + idCheckChar(first17);
}

// The same number with its last character wrong.
export function corruptCheckChar(id) {
  const right = id[17];
  const wrong = [...'0123456789X'].find((c) => c !== right);
  return id.slice(0, 17) + wrong;
}

export function screenshotPath(name) {
  mkdirSync(screenshotDir, { recursive: true });
  return join(screenshotDir, name);
}

// Script errors and CSP violations fail the test; failed HTTP answers (e.g. a 401 for a
// wrong password) are expected and only logged by the browser.
export function watchPage(page) {
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    const text = msg.text();
    if (msg.type() === 'error' && /Content Security Policy|Refused to|Uncaught/i.test(text)) {
      problems.push(`console: ${text}`);
    }
  });
  return {
    assertClean() {
      assert.deepEqual(problems, [], 'the page reported errors');
    },
  };
}

export async function expectPath(page, path, timeout = 15000) {
  await page.waitForURL((url) => url.pathname === path, { timeout });
}

// The 温馨提醒 dialog a non-member sees after each login (PC: Element Plus, H5: Vant):
// waits for it and closes it with its 关闭 button.
export async function closeJoinReminder(page) {
  const dialog = page.getByRole('dialog').filter({ hasText: '温馨提醒' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: '关闭', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
}

// --- 网上入会 tests ----------------------------------------------------------------------

export const BANK = '中国建设银行股份有限公司厦门分行'; // a demo unit with a union (已建会)
export const STAFF_PASSWORD = 'Passw0rdXyz1';

// A worker registered through the API (SMS login + 信息完善), not yet a member; logs in by
// phone + password in the browser. `client` is an API client with the worker's session.
export async function newWorker(srv, name = '李入会') {
  const { registerWorker } = await import('../lib/client.mjs');
  return registerWorker(srv, { name, phone: randomPhone(), idNumber: randomIdNumber() });
}

// The bank's unit as GET /units shows it, with its grassroots union (`union.code`).
export async function bankUnit(client) {
  const r = await client.get(`/api/v1/units?q=${encodeURIComponent(BANK)}&page_size=10`);
  assert.equal(r.status, 200, r.text);
  const unit = r.body.items.find((u) => u.name === BANK);
  assert.ok(unit && unit.union && unit.union.code, `demo unit ${BANK} with a union`);
  return unit;
}

// A staff member of the organisation `org` (its code) with `role` (reviewer, org_admin,
// platform_admin), made by `gonghui user add`.
export async function addStaff(srv, role, org, name) {
  const { spawnSync } = await import('node:child_process');
  const { binary } = await import('../lib/server.mjs');
  const phone = `159${String(randomInt(0, 1e8)).padStart(8, '0')}`;
  const r = spawnSync(binary, ['user', 'add', '--role', role, '--phone', phone, '--name', name, '--org', org], {
    env: srv.env,
    input: `${STAFF_PASSWORD}\n`,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `user add: ${r.stderr}`);
  return { phone, password: STAFF_PASSWORD, name };
}

// A reviewer of the organisation `org` (its code).
export function addReviewer(srv, org, name = '王审核') {
  return addStaff(srv, 'reviewer', org, name);
}

// The back office's login in the browser, ending on the 工作台: browser tests log staff in
// through here, so a change of the staff login lands in one place.
export async function staffLogin(page, srv, staff) {
  await page.goto(`${srv.url}/admin/login`);
  await adminLogin(page, srv, staff);
  await expectPath(page, '/admin/');
}

// Logs in on the site's password tab (PC and H5 share the placeholders).
export async function workerPasswordLogin(page, username, password) {
  await page.getByPlaceholder('请输入证件号码或手机号码').fill(username);
  await page.getByPlaceholder('请输入密码').fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
}

// Logs a staff member ({phone, password}) in on the back office's login page, which the page
// shows: the password, then the SMS code from sms.jsonl (as staffClient reads it). When the
// phone had a code less than a minute ago the page says so; the test clock moves on as a
// person would wait, and the password is sent again.
export async function adminLogin(page, srv, staff) {
  const { staffLoginCode } = await import('../lib/client.mjs');
  const codeInput = page.getByPlaceholder('请输入6位短信验证码');
  const tooSoon = page.getByText(/验证码发送过于频繁，请\d+秒后再试/).last();
  for (let attempt = 0; ; attempt++) {
    const sent = srv.sms().filter((m) => m.to === staff.phone).length;
    await page.getByPlaceholder('请输入手机号').fill(staff.phone);
    await page.getByPlaceholder('请输入密码').fill(staff.password);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    // The loser of the race times out later; its rejection is caught and dropped.
    const outcome = await Promise.race([
      codeInput.waitFor().then(() => 'code', () => 'neither'),
      tooSoon.waitFor().then(() => 'wait', () => 'neither'),
    ]);
    assert.notEqual(outcome, 'neither', 'after the password: the code step or a wait');
    if (outcome === 'code') {
      await page.getByText(`短信验证码已发送至 ${staff.phone.slice(0, 3)}****${staff.phone.slice(7)}`).waitFor();
      await codeInput.fill(await staffLoginCode(srv, staff.phone, sent));
      await page.getByRole('button', { name: '登录', exact: true }).click();
      return;
    }
    assert.ok(attempt < 1, 'the password step was refused twice: ' + (await tooSoon.textContent()));
    await srv.advance(Number((await tooSoon.textContent()).match(/(\d+)秒/)[1]));
    // The refusal's message must be gone, or the next round would read it as a second refusal.
    await page.getByText(/验证码发送过于频繁/).first().waitFor({ state: 'hidden' });
  }
}

// --- 会籍变更 tests ----------------------------------------------------------------------

export const AIRLINE = '厦门航空有限公司'; // a demo unit with a union
export const PORT = '厦门国际港务股份有限公司'; // a demo unit without one (未建会)

// The first unit GET /units finds by its exact name.
export async function unitNamed(client, name) {
  const r = await client.get(`/api/v1/units?q=${encodeURIComponent(name)}&page_size=10`);
  assert.equal(r.status, 200, r.text);
  const unit = r.body.items.find((u) => u.name === name);
  assert.ok(unit, `demo unit ${name}`);
  return unit;
}

// A reviewer's API client (login, then decisions at the application's current version).
export async function reviewerClient(srv, reviewer) {
  const { staffClient } = await import('../lib/client.mjs');
  const { client: c, response: r } = await staffClient(srv, reviewer);
  assert.equal(r.status, 200, r.text);
  return {
    client: c,
    async decide(id, action, reason) {
      const d = await c.get(`/api/v1/admin/applications/${id}`);
      assert.equal(d.status, 200, d.text);
      assert.ok(d.body.application.actions.includes(action), `${action} offered: ${d.body.application.actions}`);
      const res = await c.post(`/api/v1/admin/applications/${id}/${action}`, { version: d.body.application.version, ...(reason ? { reason } : {}) });
      assert.equal(res.status, 200, res.text);
      return res.body.application;
    },
  };
}

// A worker who joined at the bank (filed and approved through the API, as the join tests'
// setup): { ...worker, bank, bankReviewer (API client), memberNo, joinRef }.
export async function newMember(srv, name = '李会员') {
  const { randomUUID } = await import('node:crypto');
  const w = await newWorker(srv, name);
  const bank = await bankUnit(w.client);
  const bankReviewer = await reviewerClient(srv, await addReviewer(srv, bank.union.code, '王审核'));
  const consent = await w.client.post('/api/v1/join/consent', { version: '2026-11' });
  assert.equal(consent.status, 201, consent.text);
  const created = await w.client.post('/api/v1/applications', {
    kind: 'join',
    consent_id: consent.body.consent_id,
    request_id: randomUUID(),
    submit: true,
    data: { residence: '厦门市思明区湖滨南路1号', employment: 'unit', unit_id: bank.id, work_district: bank.district.code, work_street: bank.street.code },
  });
  assert.equal(created.status, 201, created.text);
  await bankReviewer.decide(created.body.application.id, 'approve');
  const m = await w.client.get('/api/v1/membership');
  assert.equal(m.status, 200, m.text);
  assert.equal(m.body.membership.org.name, bank.union.name);
  return { ...w, bank, bankReviewer, memberNo: m.body.membership.member_no, joinRef: created.body.application.ref };
}

// A back-office page at 1366×768 logged in through the login form with STAFF_PASSWORD, on the
// 工作台: every browser test's staff login goes through here. Returns { context, page, watch }.
export async function staffPage(browser, srv, phone) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const watch = watchPage(page);
  await page.goto(`${srv.url}/admin/`);
  await expectPath(page, '/admin/login');
  await adminLogin(page, srv, { phone, password: STAFF_PASSWORD });
  await expectPath(page, '/admin/');
  return { context, page, watch };
}
