// The worker's account flows, shared by the PC site and the H5 site: each composable holds a
// form's values, its per-field errors and its submit logic; the sites only render them.
// `notify` is the site's {success(message), error(message)} (Element Plus or Vant toasts).
import { reactive, ref } from 'vue';
import { registrationToken } from './session.js';
import { joinReminder } from './reminder.js';
import { session, worker } from './worker.js';
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
  checkUsername,
  clearErrors,
  normalizeIdNumber,
  runChecks,
} from './validate.js';

// Shows a server error next to its field, or as a general message.
function report(errors, err, notify) {
  if (!applyFieldError(errors, err)) notify.error(err.message || '操作失败，请稍后重试');
}

// A login answer: logged in, or the phone is new and the 信息完善 page follows.
function finishLogin(res, { onLoggedIn, onProfileRequired }) {
  if (res && res.status === 'profile_required') {
    registrationToken.save(res.registration_token);
    onProfileRequired();
    return;
  }
  session.set(res.user);
  joinReminder.arm();
  onLoggedIn(res.user);
}

// 密码登录 and 短信登录 / 短信快捷登录.
export function useLoginFlow({ notify, onLoggedIn, onProfileRequired }) {
  const busy = ref(false);
  const pw = reactive({ username: '', password: '' });
  const pwErrors = reactive({ username: '', password: '' });
  const sms = reactive({ phone: '', code: '' });
  const smsErrors = reactive({ phone: '', code: '' });

  const sender = useSmsSender({
    send: (phone) => worker.sendLoginCode(phone),
    setError: (message) => {
      smsErrors.phone = message;
    },
  });

  async function sendCode() {
    try {
      if (await sender.trigger(sms.phone)) notify.success('验证码已发送，请注意查收短信');
    } catch (err) {
      report(smsErrors, err, notify);
    }
  }

  async function passwordLogin() {
    clearErrors(pwErrors);
    const ok = runChecks(pwErrors, {
      username: () => checkUsername(pw.username),
      password: () => checkPasswordPresent(pw.password),
    });
    if (!ok || busy.value) return;
    busy.value = true;
    try {
      const username = pw.username.trim();
      // An ID number ending in a lowercase x is the same account.
      const res = await worker.passwordLogin(/^\d{17}[xX]$/.test(username) ? username.toUpperCase() : username, pw.password);
      finishLogin(res, { onLoggedIn, onProfileRequired });
    } catch (err) {
      report(pwErrors, err, notify);
    } finally {
      busy.value = false;
    }
  }

  async function smsLogin() {
    clearErrors(smsErrors);
    const ok = runChecks(smsErrors, {
      phone: () => checkPhone(sms.phone),
      code: () => checkSmsCode(sms.code),
    });
    if (!ok || busy.value) return;
    busy.value = true;
    try {
      const res = await worker.smsLogin(sms.phone.trim(), sms.code.trim());
      finishLogin(res, { onLoggedIn, onProfileRequired });
    } catch (err) {
      report(smsErrors, err, notify);
    } finally {
      busy.value = false;
    }
  }

  return { busy, pw, pwErrors, sms, smsErrors, sender, sendCode, passwordLogin, smsLogin };
}

// 信息完善: the registration after an SMS login with a new phone.
export function useRegisterFlow({ notify, onRegistered, onTokenMissing }) {
  const busy = ref(false);
  const hasToken = ref(!!registrationToken.get());
  const form = reactive({ name: '', id_number: '', password: '', password_confirm: '', privacy_consent: false });
  const errors = reactive({ name: '', id_number: '', password: '', password_confirm: '', privacy_consent: '' });
  const lastCode = ref('');

  async function submit() {
    clearErrors(errors);
    lastCode.value = '';
    const ok = runChecks(errors, {
      name: () => checkName(form.name),
      id_number: () => checkIdNumber(form.id_number),
      password: () => checkNewPassword(form.password),
      password_confirm: () => checkConfirm(form.password_confirm, form.password),
      privacy_consent: () => (form.privacy_consent ? '' : '请阅读并同意《隐私政策》'),
    });
    if (!ok || busy.value) return;
    const token = registrationToken.get();
    if (!token) {
      hasToken.value = false;
      onTokenMissing();
      return;
    }
    busy.value = true;
    try {
      const res = await worker.register({
        registration_token: token,
        name: form.name.trim(),
        id_number: normalizeIdNumber(form.id_number),
        password: form.password,
        password_confirm: form.password_confirm,
        privacy_consent: true,
      });
      registrationToken.clear();
      session.set(res.user);
      joinReminder.arm();
      onRegistered(res.user);
    } catch (err) {
      lastCode.value = err.code;
      if (err.field === 'registration_token') {
        // Expired (15 minutes) or used: the phone has to be verified again.
        registrationToken.clear();
        hasToken.value = false;
        notify.error(err.message);
        onTokenMissing();
      } else {
        report(errors, err, notify);
      }
    } finally {
      busy.value = false;
    }
  }

  return { busy, hasToken, form, errors, lastCode, submit };
}

// The privacy notice shown from the 信息完善 page.
export function usePrivacyNotice() {
  const notice = reactive({ loaded: false, loading: false, title: '隐私政策', text: '', version: '', error: '' });

  async function load() {
    if (notice.loaded || notice.loading) return;
    notice.loading = true;
    notice.error = '';
    try {
      const res = await worker.privacyNotice();
      notice.title = res.title || '隐私政策';
      notice.text = res.text || '';
      notice.version = res.version || '';
      notice.loaded = true;
    } catch (err) {
      notice.error = err.message;
    } finally {
      notice.loading = false;
    }
  }

  return { notice, load };
}

// 修改密码 / 修改登录密码. The back office passes its own `change` and session `store`;
// `oldLabel` follows the page's wording (PC 原密码, H5 旧密码).
export function useChangePasswordFlow({
  notify,
  onChanged,
  oldLabel = '原密码',
  change = (form) => worker.changePassword(form),
  store = session,
}) {
  const busy = ref(false);
  const form = reactive({ old_password: '', new_password: '', new_password_confirm: '' });
  const errors = reactive({ old_password: '', new_password: '', new_password_confirm: '' });

  async function submit() {
    clearErrors(errors);
    const ok = runChecks(errors, {
      old_password: () => checkPasswordPresent(form.old_password, oldLabel),
      new_password: () =>
        checkNewPassword(form.new_password, '新密码') ||
        (form.new_password === form.old_password ? `新密码不能与${oldLabel}相同` : ''),
      new_password_confirm: () => checkConfirm(form.new_password_confirm, form.new_password, '新密码'),
    });
    if (!ok || busy.value) return;
    busy.value = true;
    try {
      await change({ ...form });
      form.old_password = '';
      form.new_password = '';
      form.new_password_confirm = '';
      // This session stays; other sessions of the account end. Refresh the CSRF token.
      await store.load(true).catch(() => {});
      onChanged();
    } catch (err) {
      report(errors, err, notify);
    } finally {
      busy.value = false;
    }
  }

  return { busy, form, errors, submit };
}

// 更换手机号: login password + the new phone + the SMS code sent to it.
export function useChangePhoneFlow({ notify, onChanged }) {
  const busy = ref(false);
  const form = reactive({ password: '', phone: '', code: '' });
  const errors = reactive({ password: '', phone: '', code: '' });

  const sender = useSmsSender({
    send: (phone) => worker.sendPhoneCode(phone),
    setError: (message) => {
      errors.phone = message;
    },
  });

  async function sendCode() {
    try {
      if (await sender.trigger(form.phone)) notify.success('验证码已发送至新手机号');
    } catch (err) {
      report(errors, err, notify);
    }
  }

  function reset() {
    form.password = '';
    form.phone = '';
    form.code = '';
    clearErrors(errors);
  }

  async function submit() {
    clearErrors(errors);
    const ok = runChecks(errors, {
      password: () => checkPasswordPresent(form.password, '登录密码'),
      phone: () => checkPhone(form.phone),
      code: () => checkSmsCode(form.code),
    });
    if (!ok || busy.value) return;
    busy.value = true;
    try {
      const res = await worker.changePhone({
        password: form.password,
        phone: form.phone.trim(),
        code: form.code.trim(),
      });
      if (res && res.user) session.set(res.user);
      reset();
      onChanged(res && res.user);
    } catch (err) {
      report(errors, err, notify);
    } finally {
      busy.value = false;
    }
  }

  return { busy, form, errors, sender, sendCode, submit, reset };
}

// The personal centre: the session's user, refreshed from GET /account.
export function useAccount() {
  const loading = ref(false);

  async function refresh() {
    loading.value = true;
    try {
      const res = await worker.account();
      if (res && res.user) session.set(res.user);
    } catch {
      /* 401 is handled by the router guard; other errors keep the session's copy */
    } finally {
      loading.value = false;
    }
  }

  return { user: session.state, loading, refresh };
}
