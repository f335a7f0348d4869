// 忘记密码 (SPEC §3, docs/api.md "忘记密码") and the e-mail binding of the personal centre,
// shared by the PC site and the H5 site: each composable holds a page's form, its per-field
// errors and its requests; the sites only render them.
//
// - The image captcha is one use, right or wrong: every request that carries one gets a fresh
//   image afterwards.
// - The recovery token of 【下一步】 (30 minutes) lives in sessionStorage, never in the URL.
// - The pages after 【下一步】 are the same for every username: no masked phone or e-mail, and
//   the messages never tell whether an account exists.
// - Links from e-mails carry their token in the URL fragment (#token=…): it is read once, kept
//   in sessionStorage (so a reload still works) and removed from the address bar at once.
import { onBeforeUnmount, reactive, ref } from 'vue';
import { api, session } from './worker.js';
import { useSmsSender } from './sms.js';
import {
  applyFieldError,
  checkConfirm,
  checkIdNumber,
  checkName,
  checkNewPassword,
  checkPasswordPresent,
  checkPhone,
  checkSmsCode,
  clearErrors,
  normalizeIdNumber,
  runChecks,
} from './validate.js';

// --- endpoints ------------------------------------------------------------------------------

export const recoverApi = {
  captcha: () => api.post('/api/v1/captcha', {}),
  start: (body) => api.post('/api/v1/recover/start', body),
  sendPhoneCode: (body) => api.post('/api/v1/recover/phone/sms-code', body),
  phoneReset: (body) => api.post('/api/v1/recover/phone/reset', body),
  sendEmailLink: (recoveryToken) => api.post('/api/v1/recover/email', { recovery_token: recoveryToken }),
  emailReset: (body) => api.post('/api/v1/recover/email/reset', body),
  sendAppealCode: (body) => api.post('/api/v1/recover/appeal/sms-code', body),
  appeal: (body) => api.post('/api/v1/recover/appeal', body),
  bindEmail: (body) => api.post('/api/v1/account/email', body),
  verifyEmail: (token) => api.post('/api/v1/account/email/verify', { token }),
};

// --- texts ----------------------------------------------------------------------------------

export const USERNAME_HINT = '证件号码、手机号码或邮箱地址';
export const EMAIL_SENT_MESSAGE = '如果该账号已绑定邮箱，重置密码的链接已发送到该邮箱，请在30分钟内查收';
export const PHONE_CODE_SENT = '如果该账号存在，验证码已发送至其绑定的手机，请注意查收';
export const APPEAL_WAIT_MESSAGE = '申诉已提交，后台管理员审核后会以短信通知您审核结果，请等待审核结果短信';

// The three ways of the page after 【下一步】 (the manual's wording).
export const RECOVERY_WAYS = [
  {
    key: 'phone',
    title: '手机方式找回',
    desc: '若您的手机号是您正在使用的手机号，可通过短信验证码重置密码。',
  },
  {
    key: 'appeal',
    title: '人工申诉找回',
    desc: '若您的手机号已经变更（或身份证号已被他人注册），可提交人工申诉，审核结果将以短信通知。',
  },
  {
    key: 'email',
    title: '邮箱方式找回',
    desc: '若您之前有填写邮箱地址，可通过发送到该邮箱的链接重置密码。',
  },
];

// Messages of a dead e-mail link, by the server's code.
export const LINK_PROBLEMS = {
  token_used: { title: '该链接已使用过', text: '每个链接只能使用一次。如需再次操作，请重新申请。' },
  token_expired: { title: '该链接已过期', text: '链接已超过有效期，请重新申请。' },
  token_invalid: { title: '链接无效', text: '请检查是否完整复制了邮件中的链接，或重新申请。' },
};

// --- storage --------------------------------------------------------------------------------

function store(key) {
  return {
    get() {
      try {
        const raw = sessionStorage.getItem(key);
        return raw ? JSON.parse(raw) : null;
      } catch {
        return null;
      }
    },
    set(value) {
      try {
        sessionStorage.setItem(key, JSON.stringify(value));
      } catch {
        /* storage disabled: the page asks to start again */
      }
    },
    clear() {
      try {
        sessionStorage.removeItem(key);
      } catch {
        /* nothing to clear */
      }
    },
  };
}

const recoveryStore = store('gonghui.recovery');
const noticeStore = store('gonghui.recovery_notice');
const appealStore = store('gonghui.appeal_result');

// The recovery token of 【下一步】 with its end (the server's expires_in, on this clock).
export const recovery = {
  save(token, expiresIn) {
    recoveryStore.set({ token, until: Date.now() + (Number(expiresIn) || 1800) * 1000 });
  },
  token() {
    const v = recoveryStore.get();
    if (!v || typeof v.token !== 'string' || !(v.until > Date.now())) return '';
    return v.token;
  },
  clear() {
    recoveryStore.clear();
  },
};

// The message of the e-mail way's "sent" page.
export const emailNotice = {
  save: (message) => noticeStore.set({ message }),
  get: () => (noticeStore.get() || {}).message || EMAIL_SENT_MESSAGE,
};

// The answer of a submitted appeal ({ref, message}), for the "wait for the SMS" page.
export const appealResult = {
  save: (res) => appealStore.set({ ref: res.ref || '', message: res.message || '' }),
  get: () => appealStore.get(),
};

// Reads the link token of an e-mail (#token=… on /reset or /verify-email) and removes it from
// the address bar at once; falls back to the copy kept for a reload of the same page.
export function readLinkToken(kind) {
  const kept = store(`gonghui.link.${kind}`);
  let token = '';
  const hash = typeof window !== 'undefined' ? window.location.hash : '';
  if (hash && hash.length > 1) {
    const params = new URLSearchParams(hash.slice(1));
    token = (params.get('token') || '').trim();
    // Gone from the address bar (and from the history entry) before anything else happens.
    const { pathname, search } = window.location;
    window.history.replaceState(window.history.state, '', pathname + search);
  }
  if (token) kept.set(token);
  else token = kept.get() || '';
  return {
    token: typeof token === 'string' ? token : '',
    forget: () => kept.clear(),
  };
}

// Another link opened in the same tab while its page shows changes only the fragment (no page
// load): read it again. Call from a component's setup.
function onNewLink(read) {
  const handler = () => {
    if (/(^#|&)token=/.test(window.location.hash)) read();
  };
  window.addEventListener('hashchange', handler);
  onBeforeUnmount(() => window.removeEventListener('hashchange', handler));
}

// --- shared pieces --------------------------------------------------------------------------

function report(errors, err, notify) {
  if (!applyFieldError(errors, err)) notify.error(err.message || '操作失败，请稍后重试');
}

// A captcha error names `captcha` (or `captcha_id` when the id is missing or malformed).
function captchaError(errors, err) {
  if (err && (err.field === 'captcha' || err.field === 'captcha_id' || err.code === 'captcha_invalid')) {
    errors.captcha = err.message || '图片验证码错误或已失效，请点击图片刷新后重新输入';
    return true;
  }
  return false;
}

export function checkCaptcha(value) {
  const v = String(value || '').trim();
  if (!v) return '请输入图片验证码';
  if (v.length !== 4) return '图片验证码为4个字符';
  return '';
}

export function checkRecoveryUsername(value) {
  const v = String(value || '').trim();
  if (!v) return `请输入${USERNAME_HINT}`;
  if (v.length > 254) return `请输入正确的${USERNAME_HINT}`;
  return '';
}

// An ID number ending in a lowercase x is the same account (as at login).
function normalizeUsername(value) {
  const v = String(value || '').trim();
  return /^\d{17}[xX]$/.test(v) ? v.toUpperCase() : v;
}

// As the server (src/api/recover.c): one @, a dot after it, no spaces or brackets, ≤ 254.
export function checkEmail(value) {
  const v = String(value || '').trim();
  if (!v) return '请输入邮箱地址';
  const at = v.indexOf('@');
  if (
    v.length < 6 ||
    v.length > 254 ||
    at <= 0 ||
    v.indexOf('@', at + 1) !== -1 ||
    v.indexOf('.', at + 1) === -1 ||
    v[at + 1] === '.' ||
    v.endsWith('.') ||
    /[\s<>",;\\]|[^\x21-\x7e]/.test(v)
  ) {
    return '请输入正确的邮箱地址';
  }
  return '';
}

// The image captcha: a PNG from POST /captcha; clicking the image asks for a new one.
export function useCaptcha() {
  const state = reactive({ id: '', image: '', loading: false, error: '' });
  let seq = 0;

  async function refresh() {
    const mine = ++seq;
    state.loading = true;
    state.error = '';
    try {
      const res = await recoverApi.captcha();
      if (mine !== seq) return;
      state.id = res.captcha_id;
      state.image = res.image;
    } catch (err) {
      if (mine !== seq) return;
      state.id = '';
      state.image = '';
      state.error = err.code === 'rate_limited' ? '获取图片验证码过于频繁，请稍后再试' : err.message;
    } finally {
      if (mine === seq) state.loading = false;
    }
  }

  return { state, refresh };
}

// The new password twice (phone way and e-mail link).
function passwordChecks(form) {
  return {
    new_password: () => checkNewPassword(form.new_password, '新密码'),
    new_password_confirm: () => checkConfirm(form.new_password_confirm, form.new_password, '新密码'),
  };
}

// After a reset every session of the account ends, this one included: forget it here.
async function afterReset() {
  await session.load(true).catch(() => {});
}

// --- 【忘记密码】: username + captcha → 【下一步】 -------------------------------------------

export function useRecoverStart({ notify, onStarted }) {
  const busy = ref(false);
  const captcha = useCaptcha();
  const form = reactive({ username: '', captcha: '' });
  const errors = reactive({ username: '', captcha: '' });

  async function submit() {
    clearErrors(errors);
    const ok = runChecks(errors, {
      username: () => checkRecoveryUsername(form.username),
      captcha: () => (captcha.state.id ? checkCaptcha(form.captcha) : '请点击刷新图片验证码'),
    });
    if (!ok || busy.value) return;
    busy.value = true;
    try {
      const res = await recoverApi.start({
        username: normalizeUsername(form.username),
        captcha_id: captcha.state.id,
        captcha: form.captcha.trim(),
      });
      recovery.save(res.recovery_token, res.expires_in);
      onStarted(res);
    } catch (err) {
      if (!captchaError(errors, err)) report(errors, err, notify);
      // Used up, right or wrong: a new one for the next try.
      form.captcha = '';
      captcha.refresh();
    } finally {
      busy.value = false;
    }
  }

  return { busy, form, errors, captcha, submit };
}

// --- the page of the three ways ---------------------------------------------------------------

// 【立即找回】 of the e-mail way sends the link at once; the phone way and 人工申诉 open their
// pages. onExpired: the recovery token is gone (back to the first page).
export function useRecoverWays({ notify, onEmailSent, onExpired }) {
  const busy = ref('');
  const hasToken = ref(!!recovery.token());

  async function sendEmail() {
    const token = recovery.token();
    if (!token) {
      hasToken.value = false;
      onExpired();
      return;
    }
    if (busy.value) return;
    busy.value = 'email';
    try {
      const res = await recoverApi.sendEmailLink(token);
      emailNotice.save(res && res.message ? res.message : EMAIL_SENT_MESSAGE);
      onEmailSent(res);
    } catch (err) {
      if (err.code === 'recovery_expired') {
        recovery.clear();
        hasToken.value = false;
        notify.error(err.message);
        onExpired();
      } else if (err.code === 'rate_limited') {
        notify.error(err.retryAfter ? `发送过于频繁，请${err.retryAfter}秒后再试` : err.message);
      } else {
        notify.error(err.message);
      }
    } finally {
      busy.value = '';
    }
  }

  return { busy, hasToken, sendEmail };
}

// --- 手机方式找回 ------------------------------------------------------------------------------

export function usePhoneReset({ notify, onDone, onExpired }) {
  const busy = ref(false);
  const hasToken = ref(!!recovery.token());
  const captcha = useCaptcha();
  const form = reactive({ captcha: '', code: '', new_password: '', new_password_confirm: '' });
  const errors = reactive({ captcha: '', code: '', new_password: '', new_password_confirm: '' });
  // The countdown of useSmsSender; the send itself is ours (no phone field on this page).
  const sender = useSmsSender({ send: () => null, setError: () => {} });

  function expired(err) {
    recovery.clear();
    hasToken.value = false;
    notify.error(err ? err.message : '找回密码已超时，请返回重新填写用户名');
    onExpired();
  }

  async function sendCode() {
    if (sender.disabled.value) return;
    errors.captcha = '';
    errors.code = '';
    const token = recovery.token();
    if (!token) {
      expired(null);
      return;
    }
    const problem = captcha.state.id ? checkCaptcha(form.captcha) : '请点击刷新图片验证码';
    if (problem) {
      errors.captcha = problem;
      return;
    }
    sender.sending.value = true;
    try {
      const res = await recoverApi.sendPhoneCode({
        recovery_token: token,
        captcha_id: captcha.state.id,
        captcha: form.captcha.trim(),
      });
      sender.countdown(res && res.resend_after ? res.resend_after : 60);
      notify.success(PHONE_CODE_SENT);
    } catch (err) {
      if (err.code === 'recovery_expired') expired(err);
      else if (captchaError(errors, err)) {
        /* shown next to the captcha */
      } else if (err.code === 'rate_limited') {
        if (err.retryAfter) sender.countdown(err.retryAfter);
        errors.code = err.message;
      } else report(errors, err, notify);
    } finally {
      sender.sending.value = false;
      form.captcha = '';
      captcha.refresh();
    }
  }

  async function submit() {
    clearErrors(errors);
    const ok = runChecks(errors, {
      code: () => checkSmsCode(form.code),
      ...passwordChecks(form),
    });
    if (!ok || busy.value) return;
    const token = recovery.token();
    if (!token) {
      expired(null);
      return;
    }
    busy.value = true;
    try {
      await recoverApi.phoneReset({
        recovery_token: token,
        code: form.code.trim(),
        new_password: form.new_password,
        new_password_confirm: form.new_password_confirm,
      });
      recovery.clear();
      await afterReset();
      onDone();
    } catch (err) {
      if (err.code === 'recovery_expired') expired(err);
      else report(errors, err, notify);
    } finally {
      busy.value = false;
    }
  }

  return { busy, hasToken, captcha, form, errors, sender, sendCode, submit };
}

// --- 邮箱方式找回: the page of the link (/reset#token=…) --------------------------------------

export function useEmailReset({ notify, onDone }) {
  let link = readLinkToken('reset');
  const busy = ref(false);
  // '' while the link may work; token_used | token_expired | token_invalid once it cannot.
  const problem = ref(link.token ? '' : 'token_invalid');
  const form = reactive({ new_password: '', new_password_confirm: '' });
  const errors = reactive({ new_password: '', new_password_confirm: '' });
  onNewLink(() => {
    link = readLinkToken('reset');
    problem.value = link.token ? '' : 'token_invalid';
    form.new_password = '';
    form.new_password_confirm = '';
    clearErrors(errors);
  });

  async function submit() {
    clearErrors(errors);
    if (!runChecks(errors, passwordChecks(form)) || busy.value || problem.value) return;
    busy.value = true;
    try {
      await recoverApi.emailReset({
        token: link.token,
        new_password: form.new_password,
        new_password_confirm: form.new_password_confirm,
      });
      link.forget();
      await afterReset();
      onDone();
    } catch (err) {
      if (LINK_PROBLEMS[err.code] || err.field === 'token') {
        link.forget();
        problem.value = LINK_PROBLEMS[err.code] ? err.code : 'token_invalid';
      } else report(errors, err, notify);
    } finally {
      busy.value = false;
    }
  }

  return { busy, problem, form, errors, submit };
}

// --- 人工申诉 ---------------------------------------------------------------------------------

export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;
export const PHOTOS_MAX = 2;
export const PHOTO_HINT = '身份证正面、反面照片，JPEG或PNG格式，每张不超过5MB，最多两张（选填）';

// JPEG or PNG by the file's first bytes (as the server checks); '' for anything else.
export async function sniffImageType(file) {
  let bytes;
  try {
    bytes = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  } catch {
    return '';
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'image/png';
  return '';
}

function readDataUrl(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result || ''));
    reader.onerror = () => reject(reader.error || new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

// "photos[1]" → 1 (the photo at fault), or -1.
function photoIndex(field) {
  const m = /^photos\[(\d)\]$/.exec(field || '');
  return m ? Number(m[1]) : -1;
}

export function useAppeal({ notify, onSubmitted }) {
  const busy = ref(false);
  const captcha = useCaptcha();
  const form = reactive({ name: '', id_number: '', phone: '', captcha: '', code: '', reason: '' });
  const errors = reactive({ name: '', id_number: '', phone: '', captcha: '', code: '', reason: '', photos: '' });
  // Each: {name, type, size, dataUrl}; dataUrl doubles as the preview (CSP allows data: images).
  const photos = reactive([]);

  const sender = useSmsSender({
    send: (phone) =>
      recoverApi.sendAppealCode({ phone, captcha_id: captcha.state.id, captcha: form.captcha.trim() }),
    setError: (message) => {
      errors.phone = message;
    },
  });

  async function sendCode() {
    if (sender.disabled.value) return;
    errors.captcha = '';
    errors.code = '';
    const phoneProblem = checkPhone(form.phone);
    const captchaProblem = captcha.state.id ? checkCaptcha(form.captcha) : '请点击刷新图片验证码';
    errors.phone = phoneProblem;
    errors.captcha = captchaProblem;
    if (phoneProblem || captchaProblem) return;
    let used = false;
    try {
      used = true;
      if (await sender.trigger(form.phone)) notify.success('验证码已发送至新手机号');
    } catch (err) {
      if (captchaError(errors, err)) {
        /* shown next to the captcha */
      } else if (err.code === 'rate_limited') {
        errors.code = err.message;
      } else report(errors, err, notify);
    } finally {
      if (used) {
        form.captcha = '';
        captcha.refresh();
      }
    }
  }

  // Adds the chosen files (an <input type=file> or the UI library's upload list).
  async function addPhotos(files) {
    errors.photos = '';
    for (const file of Array.from(files || [])) {
      if (photos.length >= PHOTOS_MAX) {
        errors.photos = `最多上传${PHOTOS_MAX}张证件照片`;
        break;
      }
      const type = await sniffImageType(file);
      if (!type) {
        errors.photos = `${file.name || '所选文件'}不是JPEG或PNG图片`;
        continue;
      }
      if (file.size > PHOTO_MAX_BYTES) {
        errors.photos = `${file.name || '所选图片'}超过5MB，请压缩后重新上传`;
        continue;
      }
      if (file.size === 0) {
        errors.photos = `${file.name || '所选图片'}是空文件`;
        continue;
      }
      try {
        photos.push({ name: file.name || `照片${photos.length + 1}`, type, size: file.size, dataUrl: await readDataUrl(file) });
      } catch {
        errors.photos = `无法读取${file.name || '所选图片'}，请重新选择`;
      }
    }
  }

  function removePhoto(index) {
    photos.splice(index, 1);
    errors.photos = '';
  }

  async function submit() {
    clearErrors(errors);
    const ok = runChecks(errors, {
      name: () => checkName(form.name),
      id_number: () => checkIdNumber(form.id_number),
      phone: () => checkPhone(form.phone),
      code: () => checkSmsCode(form.code),
      reason: () => {
        const v = form.reason.trim();
        if (!v) return '请填写申诉原因';
        if ([...v].length > 300) return '申诉原因不超过300个字';
        return '';
      },
      photos: () => (photos.length > PHOTOS_MAX ? `最多上传${PHOTOS_MAX}张证件照片` : ''),
    });
    if (!ok || busy.value) return;
    busy.value = true;
    try {
      const res = await recoverApi.appeal({
        name: form.name.trim(),
        id_number: normalizeIdNumber(form.id_number),
        phone: form.phone.trim(),
        code: form.code.trim(),
        reason: form.reason.trim(),
        photos: photos.map((p) => ({ type: p.type, data: p.dataUrl.slice(p.dataUrl.indexOf(',') + 1) })),
      });
      appealResult.save(res || {});
      onSubmitted(res);
    } catch (err) {
      const i = photoIndex(err.field);
      if (i >= 0) errors.photos = `第${i + 1}张照片：${err.message}`;
      else if (err.status === 413) errors.photos = err.message || '照片过大，请压缩后重新上传';
      else report(errors, err, notify);
    } finally {
      busy.value = false;
    }
  }

  return { busy, captcha, form, errors, photos, sender, sendCode, addPhotos, removePhoto, submit };
}

// --- 绑定邮箱 (personal centre) --------------------------------------------------------------

export function useEmailBinding({ notify, onSent }) {
  const busy = ref(false);
  const sentTo = ref('');
  const form = reactive({ email: '', password: '' });
  const errors = reactive({ email: '', password: '' });

  function reset() {
    form.email = '';
    form.password = '';
    clearErrors(errors);
    sentTo.value = '';
  }

  async function submit() {
    clearErrors(errors);
    const ok = runChecks(errors, {
      email: () => checkEmail(form.email),
      password: () => checkPasswordPresent(form.password, '登录密码'),
    });
    if (!ok || busy.value) return;
    busy.value = true;
    try {
      const email = form.email.trim();
      const res = await recoverApi.bindEmail({ email, password: form.password });
      form.password = '';
      sentTo.value = email;
      onSent(res && res.message ? res.message : '验证邮件已发送，请在24小时内打开邮件中的链接完成绑定', email);
    } catch (err) {
      // The server words a wrong password as for 修改密码 (原密码不正确).
      if (err.field === 'password' && err.code === 'invalid_credentials') errors.password = '登录密码不正确';
      else report(errors, err, notify);
    } finally {
      busy.value = false;
    }
  }

  return { busy, sentTo, form, errors, submit, reset };
}

// The page of the verification link (/verify-email#token=…): verifies on arrival.
export function useEmailVerify() {
  let link = readLinkToken('verify-email');
  // verifying | ok | token_used | token_expired | token_invalid | email_taken | error
  const state = reactive({ status: 'verifying', email: '', message: '' });

  async function verify() {
    if (!link.token) {
      state.status = 'token_invalid';
      return;
    }
    state.status = 'verifying';
    try {
      const res = await recoverApi.verifyEmail(link.token);
      link.forget();
      state.status = 'ok';
      state.email = (res && res.email) || '';
      // A logged-in worker's user object now carries the address.
      if (session.state.authenticated) await session.load(true).catch(() => {});
    } catch (err) {
      if (LINK_PROBLEMS[err.code] || err.code === 'email_taken') {
        link.forget();
        state.status = err.code;
      } else {
        state.status = 'error';
      }
      state.message = err.message;
    }
  }

  onNewLink(() => {
    link = readLinkToken('verify-email');
    verify();
  });

  return { state, verify };
}
