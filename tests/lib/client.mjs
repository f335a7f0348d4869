// A small API client for tests: a cookie jar, the CSRF token, the browser's Origin header.
export class Client {
  constructor(base, { origin = base, bearer = null } = {}) {
    this.base = base;
    this.origin = origin;
    this.cookies = new Map();
    this.csrf = null;
    this.bearer = bearer;
    this.headers = {};
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(method, path, body, { headers = {}, raw = false } = {}) {
    const h = { ...this.headers, ...headers };
    if (this.cookies.size) h.Cookie = this.cookieHeader();
    if (method !== 'GET' && this.origin && !('Origin' in h)) h.Origin = this.origin;
    if (method !== 'GET' && this.csrf && !('X-CSRF-Token' in h)) h['X-CSRF-Token'] = this.csrf;
    if (this.bearer) h.Authorization = `Bearer ${this.bearer}`;
    let payload;
    if (body !== undefined) {
      payload = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
      h['Content-Type'] = h['Content-Type'] || 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /max-age=0\b/i.test(a.trim()));
      if (expired || !value) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    if (json && json.csrf_token) this.csrf = json.csrf_token;
    if (json && json.token && !this.bearer && raw !== 'nobearer') { /* callers set bearer themselves */ }
    return { status: res.status, body: json, text, headers: res.headers };
  }

  get(path, opts) { return this.request('GET', path, undefined, opts); }
  post(path, body = {}, opts) { return this.request('POST', path, body, opts); }
}

// A valid 18-digit resident ID number (GB 11643) for a birth date.
export function makeIdNumber(birth = '19900101', region = '350203', seq = null) {
  const s = seq ?? String(Math.floor(Math.random() * 1000)).padStart(3, '0');
  const body = region + birth + s;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((a, c, i) => a + Number(c) * w[i], 0);
  return body + '10X98765432'[sum % 11];
}

export function randomPhone(prefix = '139') {
  return prefix + String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
}

// Registers a new worker by SMS login + 信息完善; returns { client, phone, idNumber, password }.
export async function registerWorker(srv, opts = {}) {
  const client = new Client(srv.url);
  const phone = opts.phone || randomPhone();
  const idNumber = opts.idNumber || makeIdNumber(opts.birth || '19900101');
  const password = opts.password || 'Passw0rd' + Math.floor(Math.random() * 1e6);
  let r = await client.post('/api/v1/auth/sms-code', { phone });
  if (r.status !== 202) throw new Error('sms-code: ' + r.text);
  const code = await srv.waitForSms(phone);
  r = await client.post('/api/v1/auth/sms-login', { phone, code });
  if (r.body?.status !== 'profile_required') throw new Error('sms-login: ' + r.text);
  r = await client.post('/api/v1/auth/register', {
    registration_token: r.body.registration_token, name: opts.name || '张三',
    id_number: idNumber, password, password_confirm: password, privacy_consent: true,
  });
  if (r.status !== 201) throw new Error('register: ' + r.text);
  return { client, phone, idNumber, password, user: r.body.user };
}

// The back-office login: the password, then the SMS code sent to the staff phone (the second
// factor). Every test that needs a back-office session goes through staffClient, so that the
// login steps live in one place.
export const STAFF_LOGIN = '/api/v1/admin/auth/login';
export const STAFF_LOGIN_VERIFY = '/api/v1/admin/auth/login/verify';
export const STAFF_LOGIN_RESEND = '/api/v1/admin/auth/login/resend';
const STAFF_CODE_TEXT = /后台登录验证码为(\d{6})/;

// The SMS messages to phone in $GONGHUI_DATA_DIR/sms.jsonl (as srv.sms() reads them).
function smsTo(srv, phone) {
  return srv.sms().filter((m) => m.to === phone);
}

// The next staff login code to phone after the first `after` messages to it (a count taken
// before the request that sent it); waits for the outbox.
export async function staffLoginCode(srv, phone, after, timeoutMs = 10000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const m = smsTo(srv, phone).slice(after).map((x) => x.text.match(STAFF_CODE_TEXT)).find(Boolean);
    if (m) return m[1];
    if (Date.now() > until) throw new Error(`no staff login code to ${phone}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// Step 1 only: posts the password; returns { client, response, sent } where sent counts the
// messages to the phone before (for staffLoginCode). A 429 because the phone had a code less
// than a minute ago is waited out on the test clock (srv.advance), as a person would wait.
export async function staffPasswordStep(srv, { phone, password }, { client, body = {} } = {}) {
  const c = client || new Client(srv.url);
  const sent = smsTo(srv, phone).length;
  let r = await c.post(STAFF_LOGIN, { phone, password, ...body });
  const wait = r.status === 429 ? r.body?.error?.retry_after : 0;
  if (wait && wait <= 60 && srv.advance) {
    await srv.advance(wait);
    r = await c.post(STAFF_LOGIN, { phone, password, ...body });
  }
  return { client: c, response: r, sent };
}

// A logged-in staff API client: password, then the code from sms.jsonl. `extra` goes with the
// second step (e.g. {client:'app'} for a bearer token). Returns { client, response } where
// response is the final login answer — or the password step's, when that one failed.
export async function staffClient(srv, { phone, password }, extra = {}) {
  const { client: c, response: r, sent } = await staffPasswordStep(srv, { phone, password });
  if (r.status !== 200 || !r.body?.challenge) return { client: c, response: r };
  const code = await staffLoginCode(srv, phone, sent);
  const v = await c.post(STAFF_LOGIN_VERIFY, { challenge: r.body.challenge, code, ...extra });
  return { client: c, response: v };
}
