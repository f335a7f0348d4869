// The API client shared by the PC site, the H5 site and the back office (docs/api.md).
// JSON in and out, the session cookie travels with every request, and the CSRF token from
// the session or a login answer goes out as X-CSRF-Token on every non-GET request.

export class ApiError extends Error {
  // code: the server's snake_case code (or network / http_NNN when there was no JSON body);
  // field: the input at fault, if any; retryAfter: seconds, for rate_limited / account_locked.
  // fields: the missing inputs of a 422 `incomplete` answer (a submitted form); details: what
  // an answer carries beyond the message (a refused roster import's report).
  constructor(status, { code, message, field, fields, retry_after, details } = {}) {
    super(message || '请求失败，请稍后重试');
    this.name = 'ApiError';
    this.status = status;
    this.code = code || `http_${status}`;
    this.field = field || null;
    this.fields = Array.isArray(fields) ? fields.filter((f) => typeof f === 'string') : [];
    this.retryAfter = typeof retry_after === 'number' ? retry_after : null;
    this.details = details && typeof details === 'object' ? details : null;
  }
}

const NETWORK_MESSAGE = '网络连接失败，请检查网络后重试';

function fallbackMessage(status) {
  if (status === 401) return '登录已失效，请重新登录';
  if (status === 403) return '没有权限进行此操作';
  if (status === 404) return '请求的内容不存在';
  if (status === 413) return '提交的内容过大';
  if (status === 429) return '操作过于频繁，请稍后再试';
  if (status >= 500) return `服务暂时不可用（${status}），请稍后再试`;
  return `请求失败（${status}）`;
}

async function readJson(res) {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// sessionPath: '/api/v1/session' for workers, '/api/v1/admin/session' for staff.
// onUnauthenticated(err) is called when an authenticated request gets 401.
export function createApi({ sessionPath, onUnauthenticated } = {}) {
  let csrfToken = null;
  let unauthenticatedHandler = onUnauthenticated || null;

  async function send(method, path, body, { retried = false, quiet401 = false } = {}) {
    const headers = { Accept: 'application/json' };
    const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

    let res;
    try {
      res = await fetch(path, init);
    } catch {
      throw new ApiError(0, { code: 'network', message: NETWORK_MESSAGE });
    }
    const data = await readJson(res);
    if (res.ok) {
      if (data && typeof data.csrf_token === 'string') csrfToken = data.csrf_token;
      return data;
    }

    const err = new ApiError(
      res.status,
      data && data.error ? data.error : { message: fallbackMessage(res.status) },
    );
    // A stale token (the session was renewed elsewhere): fetch a fresh one and try once more.
    if (err.code === 'csrf' && !retried && sessionPath) {
      await session();
      return send(method, path, body, { retried: true, quiet401 });
    }
    if (err.status === 401 && err.code === 'unauthenticated' && !quiet401 && unauthenticatedHandler) {
      csrfToken = null;
      unauthenticatedHandler(err);
    }
    throw err;
  }

  // Reads the session and remembers its CSRF token; returns the whole answer.
  async function session() {
    const data = await send('GET', sessionPath, undefined, { quiet401: true });
    csrfToken = data && data.csrf_token ? data.csrf_token : null;
    return data;
  }

  return {
    session,
    get: (path, opts) => send('GET', path, undefined, opts),
    post: (path, body = {}, opts) => send('POST', path, body, opts),
    put: (path, body = {}, opts) => send('PUT', path, body, opts),
    del: (path, opts) => send('DELETE', path, undefined, opts),
    setCsrfToken(token) {
      csrfToken = token || null;
    },
    clearCsrfToken() {
      csrfToken = null;
    },
    onUnauthenticated(fn) {
      unauthenticatedHandler = fn;
    },
  };
}

// The worker endpoints (PC and H5 sites). Each function returns the parsed answer.
export function workerEndpoints(api) {
  return {
    session: () => api.session(),
    privacyNotice: () => api.get('/api/v1/privacy-notice'),
    sendLoginCode: (phone) => api.post('/api/v1/auth/sms-code', { phone, purpose: 'login' }),
    smsLogin: (phone, code) => api.post('/api/v1/auth/sms-login', { phone, code }),
    register: (form) => api.post('/api/v1/auth/register', form),
    passwordLogin: (username, password) =>
      api.post('/api/v1/auth/password-login', { username, password }),
    logout: () => api.post('/api/v1/auth/logout', {}, { quiet401: true }),
    account: () => api.get('/api/v1/account'),
    changePassword: (form) => api.post('/api/v1/account/password', form),
    sendPhoneCode: (phone) => api.post('/api/v1/account/phone/sms-code', { phone }),
    changePhone: (form) => api.post('/api/v1/account/phone', form),

    // Reference data and unit search.
    regions: () => api.get('/api/v1/regions'),
    units: ({ q, page = 1, page_size = 10 }) => api.get(`/api/v1/units${query({ q, page, page_size })}`),

    membership: () => api.get('/api/v1/membership'),
    joinOptions: () => api.get('/api/v1/join/options'),

    // Each kind of the application engine (join 网上入会, transfer 会籍变更, correction 信息变更,
    // registration 信息登记) has its 条件检查, its agreement and the 同意 to it.
    eligibility: (kind) => api.get(`/api/v1/${encodeURIComponent(kind)}/eligibility`),
    agreement: (kind) => api.get(`/api/v1/${encodeURIComponent(kind)}/agreement`),
    consent: (kind, version) => api.post(`/api/v1/${encodeURIComponent(kind)}/consent`, { version }),

    // 信息核实: the member record the union imported (or none) and 【确认无误】.
    verification: () => api.get('/api/v1/verification'),
    confirmVerification: () => api.post('/api/v1/verification/confirm', {}),

    // Applications (办事) and 我的办事.
    createApplication: (body) => api.post('/api/v1/applications', body),
    application: (id) => api.get(`/api/v1/applications/${encodeURIComponent(id)}`),
    updateApplication: (id, body) => api.put(`/api/v1/applications/${encodeURIComponent(id)}`, body),
    withdrawApplication: (id, version) =>
      api.post(`/api/v1/applications/${encodeURIComponent(id)}/withdraw`, { version }),
    deleteApplication: (id) => api.del(`/api/v1/applications/${encodeURIComponent(id)}`),
    affairs: ({ tab = 'all', page = 1, page_size = 10 } = {}) =>
      api.get(`/api/v1/affairs${query({ tab, page, page_size })}`),
  };
}

// ?a=1&b=2 from the non-empty entries of an object ('' when none).
export function query(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value === undefined || value === null || value === '') continue;
    q.set(key, String(value));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

// The staff endpoints (back office).
export function staffEndpoints(api) {
  return {
    session: () => api.session(),
    // The password answers {second_factor:'sms', challenge, phone_masked, resend_after}; the
    // SMS code with the challenge makes the session.
    login: (phone, password) => api.post('/api/v1/admin/auth/login', { phone, password }),
    loginVerify: (challenge, code) => api.post('/api/v1/admin/auth/login/verify', { challenge, code }),
    loginResend: (challenge) => api.post('/api/v1/admin/auth/login/resend', { challenge }),
    logout: () => api.post('/api/v1/admin/auth/logout', {}, { quiet401: true }),
    changePassword: (form) => api.post('/api/v1/admin/account/password', form),

    // Review (入会审核, 会籍变更审核: `kind` filters the queue): the queue of the staff member's
    // union, one application, decisions.
    applications: (filters = {}) => api.get(`/api/v1/admin/applications${query(filters)}`),
    application: (id) => api.get(`/api/v1/admin/applications/${encodeURIComponent(id)}`),
    revealId: (id) => api.post(`/api/v1/admin/applications/${encodeURIComponent(id)}/reveal-id`, {}),
    // action: accept | approve | reject | return
    decide: (id, action, { version, reason } = {}) =>
      api.post(`/api/v1/admin/applications/${encodeURIComponent(id)}/${action}`,
        reason === undefined ? { version } : { version, reason }),
  };
}
