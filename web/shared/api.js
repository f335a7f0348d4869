// The API client shared by the PC site, the H5 site and the back office (docs/api.md).
// JSON in and out, the session cookie travels with every request, and the CSRF token from
// the session or a login answer goes out as X-CSRF-Token on every non-GET request.

export class ApiError extends Error {
  // code: the server's snake_case code (or network / http_NNN when there was no JSON body);
  // field: the input at fault, if any; retryAfter: seconds, for rate_limited / account_locked.
  constructor(status, { code, message, field, retry_after } = {}) {
    super(message || '请求失败，请稍后重试');
    this.name = 'ApiError';
    this.status = status;
    this.code = code || `http_${status}`;
    this.field = field || null;
    this.retryAfter = typeof retry_after === 'number' ? retry_after : null;
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
  };
}

// The staff endpoints (back office).
export function staffEndpoints(api) {
  return {
    session: () => api.session(),
    login: (phone, password) => api.post('/api/v1/admin/auth/login', { phone, password }),
    logout: () => api.post('/api/v1/admin/auth/logout', {}, { quiet401: true }),
    changePassword: (form) => api.post('/api/v1/admin/account/password', form),
  };
}
