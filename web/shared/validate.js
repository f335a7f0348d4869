// Field checks run in the browser before a request, so a worker sees a mistake at once.
// They mirror the server's rules and messages (SPEC §3, src/api/form.c, src/domain/); the
// server checks again (region codes, common passwords) and has the last word.
// Each check returns '' when the value is fine, or the message to show next to the field.

export const PASSWORD_HINT = '8–64 位，须同时包含字母和数字';
export const ID_NUMBER_HINT = '最后一位是字母的请用大写字母';

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export function idCheckChar(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

export function normalizeIdNumber(value) {
  return String(value || '').trim().toUpperCase();
}

export function checkPhone(value) {
  const v = String(value || '').trim();
  if (!v) return '请输入手机号码';
  if (!/^1[3-9]\d{9}$/.test(v)) return '请输入正确的11位手机号码';
  return '';
}

export function checkSmsCode(value) {
  const v = String(value || '').trim();
  if (!v) return '请输入验证码';
  if (!/^\d{6}$/.test(v)) return '验证码应为6位数字';
  return '';
}

// Han characters, Latin letters, space, the middle dots · and •, '.' and '-' (as the server).
const NAME_CHARS = /^[\u4e00-\u9fff\u3400-\u4dbf\u{20000}-\u{2ebef}\uf900-\ufaffA-Za-z ·•.-]+$/u;

export function checkName(value) {
  const v = String(value || '').trim();
  if (!v) return '请输入姓名';
  const length = [...v].length;
  if (length < 2 || length > 30 || !NAME_CHARS.test(v)) {
    return '姓名应为2–30个字符，只能包含汉字、字母、空格和间隔号·';
  }
  return '';
}

export function checkIdNumber(value) {
  const v = normalizeIdNumber(value);
  if (!v) return '请输入身份证号';
  if (/^\d{15}$/.test(v)) return '请填写18位身份证号（15位旧号码请换用新身份证号）';
  if (!/^\d{17}[\dX]$/.test(v)) return '身份证号应为18位：17位数字加1位数字或字母X';
  const y = Number(v.slice(6, 10));
  const m = Number(v.slice(10, 12));
  const d = Number(v.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (
    y < 1900 ||
    date.getUTCFullYear() !== y ||
    date.getUTCMonth() !== m - 1 ||
    date.getUTCDate() !== d ||
    date.getTime() > Date.now()
  ) {
    return '身份证号中的出生日期无效，请核对';
  }
  if (idCheckChar(v) !== v[17]) return '身份证号校验位不正确，请核对';
  return '';
}

// 统一社会信用代码 (GB 32100): 18 characters of 0-9 and A-Z without I, O, Z, S, V, the last a
// check character (weights 3^i mod 31), as src/domain/creditcode.c.
const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function normalizeCreditCode(value) {
  return String(value || '').trim().toUpperCase();
}

export function checkCreditCode(value) {
  const v = normalizeCreditCode(value);
  if (!v) return '请输入统一社会信用代码';
  if (v.length !== 18 || [...v].some((c) => !CREDIT_ALPHABET.includes(c))) {
    return '统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）';
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_ALPHABET.indexOf(v[i]) * CREDIT_WEIGHTS[i];
  const c = 31 - (sum % 31);
  if (CREDIT_ALPHABET[c === 31 ? 0 : c] !== v[17]) return '统一社会信用代码校验位不正确，请核对';
  return '';
}

export function checkUsername(value) {
  if (!String(value || '').trim()) return '请输入证件号码或手机号码';
  return '';
}

export function checkPasswordPresent(value, label = '密码') {
  if (!value) return `请输入${label}`;
  return '';
}

export function checkNewPassword(value, label = '密码') {
  const v = String(value || '');
  if (!v) return `请输入${label}`;
  const length = [...v].length;
  if (length < 8 || length > 64) return '密码长度应为8–64位';
  if (!/[A-Za-z]/.test(v) || !/\d/.test(v)) return '密码须同时包含字母和数字';
  return '';
}

export function checkConfirm(value, original, label = '密码') {
  if (!value) return `请再次输入${label}`;
  if (value !== original) return '两次输入的密码不一致';
  return '';
}

// Runs a table of checks ({field: () => message}) and fills `errors`; true when all pass.
export function runChecks(errors, checks) {
  let ok = true;
  for (const [field, check] of Object.entries(checks)) {
    const message = check();
    errors[field] = message;
    if (message) ok = false;
  }
  return ok;
}

// Puts a server error next to its field when the form shows that field; returns false when
// the error belongs to no field on the form (the caller shows it as a general message).
export function applyFieldError(errors, err) {
  if (err && err.field && Object.prototype.hasOwnProperty.call(errors, err.field)) {
    errors[err.field] = err.message;
    return true;
  }
  return false;
}

export function clearErrors(errors) {
  for (const key of Object.keys(errors)) errors[key] = '';
}
