// 会籍变更 (membership change) without any UI library or Vue: the form's checks, the `data`
// sent, server errors on their fields, which units the 转入单位 search lets the worker pick,
// the rows of the detail pages and the membership history (docs/api.md "会籍变更", SPEC §5).
// The reasons themselves (labels, explanations, whether each fits the member's status, whether
// it needs a 转入单位) come from GET /transfer/eligibility; the server has the last word.
import { applyFormError, fillForm, formatTime, orgName } from './applications.js';

export const TRANSFER_FIELDS = {
  reason: '变更原因',
  unit_id: '转入单位',
  unit_district: '转入单位所在区',
  unit_street: '转入单位所在镇街',
};

// Only for pages that show a saved application before the reasons are loaded.
const UNIT_REASONS = ['labor_change', 'no_union_unit'];

export function emptyTransferForm() {
  return { reason: '', unit_id: null, unit_district: '', unit_street: '' };
}

export function emptyTransferErrors() {
  return { reason: '', unit_id: '', unit_district: '', unit_street: '' };
}

// The form from a saved application's `data` (missing keys stay empty).
export function transferFormFrom(data) {
  return fillForm(emptyTransferForm(), data);
}

export function findReason(reasons, key) {
  return (reasons || []).find((r) => r.key === key) || null;
}

// Whether a reason asks for 转入单位 and 转入单位所在地 (the server says so in `needs_unit`).
export function needsUnit(reasons, key) {
  const r = findReason(reasons, key);
  return r ? !!r.needs_unit : UNIT_REASONS.includes(key);
}

function requiredMessage(field) {
  if (field === 'reason') return '请选择变更原因';
  if (field === 'unit_id') return '请搜索并选择转入单位';
  return `请选择${TRANSFER_FIELDS[field] || field}`;
}

// Checks before 【暂存】 (formats only) or 【提交】 (everything); fills `errors`, true when fine.
export function checkTransferForm(form, errors, { submit, reasons }) {
  for (const key of Object.keys(errors)) errors[key] = '';
  const reason = findReason(reasons, form.reason);
  if (form.reason && reason && !reason.allowed) errors.reason = reason.why || '该变更原因不适用于您当前的会籍状态';
  const unit = form.reason && needsUnit(reasons, form.reason);
  if (unit && form.unit_street && !form.unit_district) errors.unit_district = requiredMessage('unit_district');
  if (submit) {
    if (!form.reason) errors.reason = requiredMessage('reason');
    if (unit) {
      if (!form.unit_id) errors.unit_id = requiredMessage('unit_id');
      if (!form.unit_district) errors.unit_district = requiredMessage('unit_district');
      if (!form.unit_street) errors.unit_street = requiredMessage('unit_street');
    }
  }
  return Object.values(errors).every((m) => !m);
}

// The `data` of a create or update: the unit fields travel only with a reason that needs them
// (the server drops them otherwise), empty ones are left out.
export function transferData(form, reasons) {
  const data = {};
  if (form.reason) data.reason = form.reason;
  if (form.reason && needsUnit(reasons, form.reason)) {
    if (form.unit_id) data.unit_id = Number(form.unit_id);
    if (form.unit_district) data.unit_district = form.unit_district;
    if (form.unit_street) data.unit_street = form.unit_street;
  }
  return data;
}

// A server error on the form: 422 `incomplete` marks every listed field, an error with `field`
// (`data.reason`, `data.unit_id`, …) goes next to that field. True when something was marked.
export function applyTransferError(errors, err) {
  return applyFormError(errors, err, requiredMessage);
}

export { orgName };

// Why a unit of the 转入单位 search cannot be picked for the reason's `unit_rule`
// ('' when it can): "with_union" wants a unit with a union other than the member's current
// one, "without_union" a unit without one.
export function unitUnavailable(unit, rule, currentOrg = '') {
  if (!unit || !rule) return '';
  if (rule === 'with_union') {
    if (!unit.has_union) return '该单位未建会，新单位未建会的请选择变更原因“转入单位未建会”';
    if (currentOrg && unit.union && unit.union.name === currentOrg) return '该单位工会即您当前所在的工会，无需变更';
  }
  if (rule === 'without_union' && unit.has_union) {
    return '该单位已建会，请选择变更原因“劳动（工作）关系发生变化”';
  }
  return '';
}

// What approval does, for the reviewer beside the request (SPEC §5, "effect on approval").
export const REASON_EFFECTS = {
  labor_change: '会籍转入新单位工会，会员编号不变',
  laid_off: '会籍状态变为“下岗待岗”，所属工会不变',
  bankrupt: '保留会籍（破产），由原单位所在镇街（园区）工会管理',
  unemployed: '保留会籍（失业），所属工会不变',
  no_union_unit: '会籍由转入单位所在地的镇街（园区）工会代管，直至该单位建会；会员编号不变',
  retired: '保留会籍（退休），所属工会不变',
  military: '保留会籍（服兵役），所属工会不变',
  withdraw: '会籍终止（已退会）',
  expelled: '会籍终止（已开除），并通知上级工会',
};

const show = (v) => (v === undefined || v === null || v === '' ? '—' : String(v));

// Rows (label, value) of a change application: 变更原因, and for the reasons with a 转入单位
// the unit, its union and 转入单位所在地.
export function transferDataRows(app) {
  const data = (app && app.data) || {};
  const display = (app && app.display) || {};
  const unit = display.unit || null;
  const rows = [{ key: 'reason', label: '变更原因', value: display.reason_label || data.reason }];
  if (unit || data.unit_id || UNIT_REASONS.includes(data.reason)) {
    rows.push({ key: 'unit', label: '转入单位', value: unit ? unit.name : '' });
    if (unit && unit.credit_code) rows.push({ key: 'credit_code', label: '统一社会信用代码', value: unit.credit_code });
    if (unit) rows.push({ key: 'unit_union', label: '转入单位工会', value: unit.union ? unit.union.name : '未建会' });
    rows.push({
      key: 'unit_place',
      label: '转入单位所在地',
      value: [display.unit_district_name, display.unit_street_name].filter(Boolean).join(' '),
    });
  }
  return rows.map((r) => ({ ...r, value: show(r.value) }));
}

// Tag colours of membership statuses (Element Plus types; Vant maps them in its pages).
export function memberStatusTone(status) {
  if (status === 'active') return 'success';
  if (status === 'expelled') return 'danger';
  if (status === 'withdrawn') return 'info';
  return 'warning'; // 下岗待岗 and the retained statuses
}

// The history of one membership (GET /membership `events`), oldest first, as display rows.
export function membershipEvents(membership) {
  const events = Array.isArray(membership && membership.events) ? membership.events : [];
  return events.map((e, i) => ({
    key: i,
    date: formatTime(e.at).slice(0, 10),
    status: e.status,
    statusLabel: e.status_label || '',
    org: orgName(e.org),
    note: e.note || '',
    ref: e.application_ref || '',
  }));
}

export const TRANSFER_NEXT_STEPS =
  '您的会籍变更申请已递交，负责的工会组织将尽快审核。审核结果将以短信通知您，您也可以在“我的办事”中查看办理进度。';
