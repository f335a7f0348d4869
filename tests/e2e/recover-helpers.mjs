// Helpers of the 忘记密码 browser tests (recover-pc, recover-h5): the image captcha's answer
// (test mode appends each to $DATA_DIR/captcha.jsonl), the links of the mails
// ($DATA_DIR/mail/<n>.eml), a tiny valid PNG, and a platform admin made by `gonghui user add`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { binary, sleep } from '../lib/server.mjs';
import { STAFF_PASSWORD } from './helpers.mjs';

export function captchaAnswer(srv, id) {
  const lines = readFileSync(join(srv.dataDir, 'captcha.jsonl'), 'utf8').split('\n').filter(Boolean);
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = JSON.parse(lines[i]);
    if (m.id === id) return m.answer;
  }
  throw new Error(`no captcha answer for ${id}`);
}

// Runs `action` (which makes the page ask for a new captcha) and returns that captcha's answer.
export async function nextCaptcha(srv, page, action) {
  const response = page.waitForResponse(
    (r) => new URL(r.url()).pathname === '/api/v1/captcha' && r.request().method() === 'POST',
  );
  await action();
  const r = await response;
  assert.equal(r.status(), 201, 'captcha answered 201');
  const { captcha_id: id } = await r.json();
  return captchaAnswer(srv, id);
}

// A captcha solved through the API (for requests the test makes itself).
export async function solvedCaptcha(srv, client) {
  const r = await client.post('/api/v1/captcha', {});
  assert.equal(r.status, 201, r.text);
  return { captcha_id: r.body.captcha_id, captcha: captchaAnswer(srv, r.body.captcha_id) };
}

function mails(srv) {
  const dir = join(srv.dataDir, 'mail');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort((a, b) => parseInt(a, 10) - parseInt(b, 10))
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

// The newest link to `page` (reset | verify-email) in a mail to `to`, waiting for the outbox.
export async function waitForMailLink(srv, to, page, { after = 0, timeoutMs = 10000 } = {}) {
  const pattern = new RegExp(`(https?://\\S+/(?:pc|h5)/${page}#token=[A-Za-z0-9_-]+)`);
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = mails(srv)
      .slice(after)
      .filter((m) => m.includes(`To: ${to}`))
      .map((m) => (m.match(pattern) || [])[1])
      .filter(Boolean);
    if (found.length) return found[found.length - 1];
    if (Date.now() > until) throw new Error(`no ${page} link mailed to ${to}`);
    await sleep(50);
  }
}

export const mailCount = (srv) => mails(srv).length;

// A valid w×h PNG (8-bit RGB, one colour).
export function tinyPng(w = 8, h = 6, rgb = [200, 22, 29]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: w }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// A staff member of `role` at the city union (350200), made by `gonghui user add`.
export function addStaff(srv, role, name) {
  const phone = `158${String(randomInt(0, 1e8)).padStart(8, '0')}`;
  const r = spawnSync(binary, ['user', 'add', '--role', role, '--phone', phone, '--name', name, '--org', '350200'], {
    env: srv.env,
    input: `${STAFF_PASSWORD}\n`,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `user add: ${r.stderr}`);
  return { phone, password: STAFF_PASSWORD, name };
}

// Passes the username page: username + the captcha (already requested by the page load).
export async function passUsernamePage(page, username, answer) {
  await page.getByPlaceholder('请输入证件号码、手机号码或邮箱地址').fill(username);
  await page.getByPlaceholder('请输入图片验证码').fill(answer);
  await page.getByRole('button', { name: '下一步' }).click();
}

// No masked phone (138****1234) or e-mail on the pages after 【下一步】.
export async function assertNothingMasked(page) {
  const text = await page.locator('body').innerText();
  assert.doesNotMatch(text, /\d{3}\*{4}\d{4}/, 'no masked phone shown');
  assert.doesNotMatch(text, /\S+\*+\S*@\S+/, 'no masked e-mail shown');
}
