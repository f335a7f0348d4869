// Shared helpers of the API suite (not a test file: node --test picks only *.test.mjs).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { binary, sleep } from '../lib/server.mjs';
import { Client, staffClient } from '../lib/client.mjs';

export { binary, sleep };

// The API's error shape: {"error":{"code","message"[,"field"][,"retry_after"]}}, a Chinese
// message, JSON content type, never a 5xx.
export function assertErrorShape(r, label = '') {
  const where = `${label} → ${r.status} ${r.text?.slice(0, 300)}`;
  assert.ok(r.status >= 400 && r.status < 500, `4xx expected: ${where}`);
  assert.match(r.headers.get('content-type') || '', /^application\/json/, `JSON error: ${where}`);
  assert.ok(r.body && typeof r.body === 'object' && r.body.error, `error object: ${where}`);
  const keys = Object.keys(r.body);
  assert.deepEqual(keys, ['error'], `only "error" at the top: ${where}`);
  const e = r.body.error;
  assert.equal(typeof e.code, 'string', where);
  assert.match(e.code, /^[a-z][a-z0-9_]*$/, `snake_case code: ${where}`);
  assert.equal(typeof e.message, 'string', where);
  assert.match(e.message, /[\u4e00-\u9fff]/, `Chinese message: ${where}`);
  for (const k of Object.keys(e)) assert.ok(['code', 'message', 'field', 'retry_after'].includes(k), `unexpected key ${k}: ${where}`);
  if ('field' in e) assert.equal(typeof e.field, 'string', where);
}

export function expectError(r, status, code, field, label = '') {
  const where = `${label} → ${r.status} ${r.text?.slice(0, 300)}`;
  assert.equal(r.status, status, `status: ${where}`);
  assertErrorShape(r, label);
  if (code) assert.equal(r.body.error.code, code, `code: ${where}`);
  if (field !== undefined) assert.equal(r.body.error.field, field ?? undefined, `field: ${where}`);
}

// --- ID numbers (GB 11643) -------------------------------------------------------------------
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
export function checkChar(body17) {
  const sum = [...body17].reduce((a, c, i) => a + Number(c) * W[i], 0);
  return '10X98765432'[sum % 11];
}
export function idFor(region, birth, seq) {
  const body = region + birth + seq;
  return body + checkChar(body);
}
let idCounter = Math.floor(Math.random() * 500);
// A fresh valid ID number: a random birth date (1960–1999) so that numbers never collide.
export function freshId({ endsWithX = false, birth } = {}) {
  for (;;) {
    idCounter = (idCounter + 1) % 1000;
    const b = birth || randomBirth();
    const id = idFor('350203', b, String(idCounter).padStart(3, '0'));
    if (endsWithX === (id[17] === 'X')) return id;
  }
}
function randomBirth() {
  const y = 1960 + Math.floor(Math.random() * 40);
  const m = 1 + Math.floor(Math.random() * 12);
  const d = 1 + Math.floor(Math.random() * 28);
  return `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
}
export function maskId(id) {
  return id.slice(0, 4) + '*'.repeat(10) + id.slice(14).toUpperCase();
}
export function maskPhone(p) {
  return p.slice(0, 3) + '****' + p.slice(7);
}

let phoneCounter = Math.floor(Math.random() * 1e6);
// Distinct phones within a run: a random prefix plus a counter.
const phoneBase = 100 + Math.floor(Math.random() * 800);
export function freshPhone(prefix = '13') {
  phoneCounter = (phoneCounter + 1) % 1e6;
  return prefix + String(phoneBase) + String(phoneCounter).padStart(6, '0');
}

export function freshPassword() {
  return 'Gh' + Math.random().toString(36).slice(2, 10) + '7q';
}

// --- flows ---------------------------------------------------------------------------------
export async function sendCode(srv, client, phone) {
  const r = await client.post('/api/v1/auth/sms-code', { phone, purpose: 'login' });
  assert.equal(r.status, 202, 'sms-code: ' + r.text);
  return srv.waitForSms(phone);
}

// SMS login for an unknown phone; returns the registration token.
export async function registrationToken(srv, client, phone) {
  const code = await sendCode(srv, client, phone);
  const r = await client.post('/api/v1/auth/sms-login', { phone, code });
  assert.equal(r.status, 200, 'sms-login: ' + r.text);
  assert.equal(r.body.status, 'profile_required', r.text);
  return r.body.registration_token;
}

// Registers a worker; returns { client, phone, idNumber, password, user, csrf }.
export async function register(srv, opts = {}) {
  const client = opts.client || new Client(srv.url);
  const phone = opts.phone || freshPhone();
  const idNumber = opts.idNumber || freshId();
  const password = opts.password || freshPassword();
  const token = await registrationToken(srv, client, phone);
  const r = await client.post('/api/v1/auth/register', {
    registration_token: token, name: opts.name || '张三', id_number: idNumber,
    password, password_confirm: password, privacy_consent: true,
  });
  assert.equal(r.status, 201, 'register: ' + r.text);
  return { client, phone, idNumber, password, user: r.body.user, csrf: r.body.csrf_token };
}

export async function passwordLogin(srv, username, password, extra = {}) {
  const client = new Client(srv.url);
  const r = await client.post('/api/v1/auth/password-login', { username, password, ...extra });
  return { client, r };
}

// Each test that sends codes or fails logins starts in a fresh hour, so that the per-address
// hourly caps (20 codes, 100 failed logins) of the tests before it do not carry over.
export async function freshHour(srv) {
  await srv.advance(3601);
}

// Adds a staff account with the CLI, as an operator would.
export function addStaff(srv, { role = 'reviewer', phone, name = '王审核', org = '350203', password = 'Passw0rdXyz1' }) {
  const r = spawnSync(binary, ['user', 'add', '--role', role, '--phone', phone, '--name', name, '--org', org], {
    env: srv.env, input: password + '\n', encoding: 'utf8',
  });
  return r;
}

// A staff account added with the CLI and logged in (through staffClient); .staff is its object.
export async function newStaff(srv, role, org, name) {
  const phone = freshPhone('15');
  const r = addStaff(srv, { role, phone, name, org });
  assert.equal(r.status, 0, 'user add: ' + r.stderr);
  const { client, response } = await staffClient(srv, { phone, password: 'Passw0rdXyz1' });
  assert.equal(response.status, 200, response.text);
  client.staff = response.body.staff;
  return client;
}

// --- the database, read directly (SQLite or PostgreSQL) -------------------------------------
export function dbQuery(srv, sql) {
  let r;
  if (srv.db.startsWith('sqlite:')) {
    r = spawnSync('sqlite3', ['-batch', '-noheader', srv.db.slice(7), sql], { encoding: 'utf8' });
  } else {
    r = spawnSync('psql', [srv.db, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
  }
  if (r.status !== 0) throw new Error('db query failed: ' + r.stderr);
  return r.stdout.split('\n').filter((l) => l.length).map((l) => l.split('|'));
}

// The whole database as text (every table's rows), to search for secrets.
export function dbDump(srv) {
  let r;
  if (srv.db.startsWith('sqlite:')) {
    r = spawnSync('sqlite3', [srv.db.slice(7), '.dump'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  } else {
    r = spawnSync('pg_dump', ['--data-only', srv.db], { encoding: 'utf8', maxBuffer: 1 << 28 });
  }
  if (r.status !== 0) throw new Error('db dump failed: ' + r.stderr);
  return r.stdout;
}

// --- raw HTTP (bytes, chunked bodies, odd methods and paths) --------------------------------
export function raw(srv, { method = 'POST', path, headers = {}, body, chunks }) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(srv.url + '/', { method, path, headers, agent: false }, (res) => {
      const parts = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        let json = null;
        try { json = text ? JSON.parse(text) : null; } catch { json = null; }
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status: res.statusCode, text, body: json, headers: h });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (chunks) {
      for (const c of chunks) req.write(c);
      req.end();
    } else {
      req.end(body);
    }
  });
}

// A back-office organisation made through the API (POST /admin/orgs); returns it.
export async function createOrg(c, parentId, name, kind = 'grassroots') {
  const r = await c.post('/api/v1/admin/orgs', { parent_id: parentId, name, kind });
  assert.equal(r.status, 201, r.text);
  return r.body.org;
}

// POST with "Expect: 100-continue": the body is sent only if the server asks for it.
export function postExpectContinue(srv, path, body) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(srv.url + path, {
      method: 'POST', agent: false,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Expect: '100-continue' },
    }, (res) => {
      const parts = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, text, body: json, headers: h, continued: req.continued });
      });
    });
    req.on('continue', () => { req.continued = true; req.end(body); });
    req.on('error', reject);
  });
}

// --- units ---------------------------------------------------------------------------------
// Valid GB 32100 codes, unique within the run (a random block of 10^8).
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
function withCheck(body17) {
  const sum = [...body17].reduce((a, c, i) => a + ALPHABET.indexOf(c) * WEIGHTS[i], 0);
  const c = 31 - (sum % 31);
  return body17 + ALPHABET[c === 31 ? 0 : c];
}
let codeSeq = Math.floor(Math.random() * 9e7);
export function creditCode(district = '350203') {
  codeSeq++;
  return withCheck('91' + district + 'T' + String(codeSeq).padStart(8, '0'));
}
export function badCheck(code) {
  const wrong = [...ALPHABET].find((c) => c !== code[17]);
  return code.slice(0, 17) + wrong;
}

let nameSeq = 0;
const CJK = '零壹贰叁肆伍陆柒捌玖';
// A unique unit name: prefix + a counter in capital Chinese numerals.
export function uname(prefix = '鹭测') {
  nameSeq++;
  return prefix + String(nameSeq).split('').map((d) => CJK[d]).join('') + '科技有限公司';
}

// --- applications ---------------------------------------------------------------------------
// The join form's place fields for a worker without a fixed unit at street (a street code).
export const joinPlace = (street) => ({ employment: 'none', work_district: street.slice(0, 6), work_street: street });

// 网上入会 filed by a worker's client: consent, then the application (submitted unless told);
// data is the form (residence filled in). Returns the application.
export async function fileJoin(client, data, { submit = true } = {}) {
  const c = await client.post('/api/v1/join/consent', { version: '2026-11' });
  assert.equal(c.status, 201, c.text);
  const r = await client.post('/api/v1/applications', {
    kind: 'join', consent_id: c.body.consent_id, request_id: randomUUID(), submit,
    data: { residence: '厦门市思明区湖滨南路1号', ...data },
  });
  assert.equal(r.status, 201, r.text);
  return r.body.application;
}

// A staff member's decision at the application's current version; the raw answer.
export async function decide(staff, id, action, reason) {
  const d = await staff.get(`/api/v1/admin/applications/${id}`);
  assert.equal(d.status, 200, `detail ${id}: ${d.text}`);
  return staff.post(`/api/v1/admin/applications/${id}/${action}`, { version: d.body.application.version, ...(reason ? { reason } : {}) });
}
