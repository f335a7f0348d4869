// 信息核实与登记 without any UI library or Vue (docs/api.md "Offline rosters and 信息核实与登记"):
// what each verification state tells the worker, the 信息变更 (`correction`) and 信息登记
// (`registration`) forms — their checks, the `data` sent, server errors on their fields — the
// rows of their detail pages (and of 会员信息认领 `claim`), and the labels of the back office's
// offline rosters. The server has the last word on every rule.
import { applyFormError, fillForm, orgName, statusLabel } from './applications.js';

// GET /verification `state` → what the 信息核实与登记 page says.
export const VERIFICATION_STATES = {
  unverified: {
    tag: '待核实',
    title: '请核实您的会员信息',
    text: '工会已将您线下入会的会员信息录入系统，请核对以下信息。信息无误请点击【确认无误】；信息有误请点击【信息有误，申请变更】，由所属工会审核后更正。',
  },
  verified: {
    tag: '已核实',
    title: '您的会员信息已核实',
    text: '以下是系统中您的会员信息。如信息有误或发生变化，可以申请信息变更，由所属工会审核后更正。',
  },
  none: {
    tag: '',
    title: '已在线下入会但系统中没有您的会员信息？',
    text: '如果您已在单位工会或镇街（园区）工会线下办理入会，但系统中查不到您的会员信息，可以提交信息登记申请：填写工作单位、所在地和入会日期，由工会核实后为您登记会员信息。还没有入会的职工请办理网上入会申请。',
  },
  claim_pending: {
    tag: '认领确认中',
    title: '您的会员信息正在确认',
    text: '工会会员花名册中有一条与您身份证号相同、但手机号不同的会员信息。系统已为您提交会员信息认领申请，由该会员信息所属的工会确认是您本人后关联到您的账号。结果将以短信通知您，也可以在“我的办事”中查看办理进度。',
  },
  flagged: {
    tag: '核对中',
    title: '您的会员信息正在核对',
    text: '您的身份证号出现在不止一个工会的会员花名册中，上级工会正在核对处理，处理完成后即可在此核实您的会员信息，请耐心等待。',
  },
};

// The line about the open claim, registration or correction of GET /verification (`noun`: the
// kind's name, shared/kinds.js).
export function openLine(open, noun, { h5 = false } = {}) {
  if (!open) return '';
  return `您有一件${noun}（${open.ref || '暂存'}，${statusLabel(open.status, { h5 })}）正在办理，可在“我的办事”中查看。`;
}

export function verificationState(state) {
  return VERIFICATION_STATES[state] || VERIFICATION_STATES.none;
}

// The member record of GET /verification as label/value rows (the ID number arrives masked).
export function recordRows(record) {
  const r = record || {};
  return [
    { key: 'name', label: '姓名', value: r.name },
    { key: 'id', label: '身份证号', value: r.id_masked },
    { key: 'org', label: '所属工会', value: orgName(r.org) },
    { key: 'joined_on', label: '入会日期', value: r.joined_on },
    { key: 'member_no', label: '会员编号', value: r.member_no },
    { key: 'status', label: '会籍状态', value: r.status_label },
  ].map(show);
}

// The forms ---------------------------------------------------------------------------------

// What a 信息变更 may correct.
export const CORRECTION_ITEMS = [
  { value: 'org', label: '所属工会' },
  { value: 'joined_on', label: '入会日期' },
  { value: 'member_no', label: '会员编号' },
];

export const EXPLANATION_MIN = 5;
export const EXPLANATION_MAX = 200;
export const UNIT_NAME_MAX = 100;
export const MEMBER_NO_MAX = 32;
const MEMBER_NO_RE = /^[A-Za-z0-9-]{1,32}$/;

// The 工作单位 (optional: 无固定工作单位 leaves it out) is found in the unit search (`unit_id`)
// or, when the search has not got it, typed (`unit_name`); `unit_mode` says which, and is not
// sent. The 区 + 镇街 are required: without a unit with a union they choose the union.
export const UNIT_MODES = [
  { value: 'search', label: '搜索选择单位' },
  { value: 'name', label: '直接填写单位名称' },
];

export const RECORD_FIELDS = {
  items: '变更项目',
  unit_id: '工作单位',
  district_code: '单位所在区',
  street_code: '单位所在镇街',
  joined_on: '入会日期',
  member_no: '会员编号',
  explanation: '情况说明',
};

export function emptyRecordForm() {
  return {
    items: [],
    unit_mode: 'search',
    unit_id: null,
    unit_name: '',
    district_code: '',
    street_code: '',
    joined_on: '',
    member_no: '',
    explanation: '',
  };
}

export function emptyRecordErrors() {
  const errors = {};
  for (const key of Object.keys(RECORD_FIELDS)) errors[key] = '';
  return errors;
}

// The form from a saved application's `data`.
export function recordFormFrom(data) {
  const form = fillForm(emptyRecordForm(), data);
  form.unit_mode = form.unit_name && !form.unit_id ? 'name' : 'search';
  return form;
}

function requiredMessage(field) {
  if (field === 'items') return '请选择需要变更的项目';
  if (field === 'district_code' || field === 'street_code') return `请选择${RECORD_FIELDS[field]}`;
  if (field === 'explanation') return `请填写情况说明（${EXPLANATION_MIN}～${EXPLANATION_MAX}个字）`;
  return `请填写${RECORD_FIELDS[field] || field}`;
}

const chars = (v) => [...String(v || '')].length;

// "YYYY-MM-DD" of the browser's today.
export function today(now = new Date()) {
  const p = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

// '' for a real calendar date not after `latest`, else why not.
export function checkJoinDate(value, latest = today()) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || '');
  const d = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : null;
  if (!d || d.getUTCFullYear() !== +m[1] || d.getUTCMonth() !== +m[2] - 1 || d.getUTCDate() !== +m[3]) {
    return '请选择正确的入会日期';
  }
  if (value > latest) return '入会日期不能晚于今天';
  return '';
}

// The items a form asks for: a 信息变更 the chosen ones, a 信息登记 all of them.
function asks(kind, form, item) {
  return kind !== 'correction' || form.items.includes(item);
}

// Checks before 【暂存】 (formats only) or 【提交】 (everything) of a `correction` or a
// `registration`; fills `errors`, true when fine.
export function checkRecordForm(kind, form, errors, { submit, latest = today() }) {
  for (const key of Object.keys(errors)) errors[key] = '';
  const byName = form.unit_mode === 'name';
  const explanation = form.explanation.trim();
  if (byName && chars(form.unit_name.trim()) > UNIT_NAME_MAX) errors.unit_id = `单位名称不能超过${UNIT_NAME_MAX}个字`;
  if (form.joined_on) errors.joined_on = checkJoinDate(form.joined_on, latest);
  const memberNo = form.member_no.trim();
  if (memberNo && !MEMBER_NO_RE.test(memberNo)) errors.member_no = `会员编号应为1–${MEMBER_NO_MAX}位字母、数字或连字符`;
  if (chars(explanation) > EXPLANATION_MAX) errors.explanation = `情况说明不能超过${EXPLANATION_MAX}个字`;
  if (form.street_code && !form.district_code) errors.district_code = requiredMessage('district_code');
  if (submit) {
    if (kind === 'correction' && !form.items.length) errors.items = requiredMessage('items');
    if (asks(kind, form, 'org')) {
      if (!form.district_code) errors.district_code = requiredMessage('district_code');
      if (!form.street_code) errors.street_code = requiredMessage('street_code');
    }
    if (asks(kind, form, 'joined_on') && !form.joined_on) errors.joined_on = requiredMessage('joined_on');
    if (kind === 'correction' && asks(kind, form, 'member_no') && !form.member_no.trim()) errors.member_no = requiredMessage('member_no');
    const short = kind === 'correction' ? chars(explanation) < EXPLANATION_MIN : explanation && chars(explanation) < EXPLANATION_MIN;
    if (short) errors.explanation = requiredMessage('explanation');
  }
  return Object.values(errors).every((m) => !m);
}

// The `data` of a create or update: a 信息变更 sends its items and only their fields; the unit
// goes as `unit_id` or `unit_name`; empty fields are left out.
export function recordData(kind, form) {
  const data = {};
  if (kind === 'correction') data.items = CORRECTION_ITEMS.map((i) => i.value).filter((v) => form.items.includes(v));
  if (asks(kind, form, 'org')) {
    if (form.unit_mode === 'name') {
      if (form.unit_name.trim()) data.unit_name = form.unit_name.trim();
    } else if (form.unit_id) {
      data.unit_id = Number(form.unit_id);
    }
    if (form.district_code) data.district_code = form.district_code;
    if (form.street_code) data.street_code = form.street_code;
  }
  if (asks(kind, form, 'joined_on') && form.joined_on) data.joined_on = form.joined_on;
  if (asks(kind, form, 'member_no') && form.member_no.trim()) data.member_no = form.member_no.trim();
  if (form.explanation.trim()) data.explanation = form.explanation.trim();
  return data;
}

export function applyRecordError(errors, err) {
  return applyFormError(errors, err, requiredMessage, { unit_name: 'unit_id' });
}

// Detail rows -------------------------------------------------------------------------------

function show(row) {
  const v = row.value;
  return { ...row, value: v === undefined || v === null || v === '' ? '—' : String(v) };
}

const itemLabel = (value) => (CORRECTION_ITEMS.find((i) => i.value === value) || { label: value }).label;

// The unit (with its credit code) and its place.
function unitRows(data, display, label) {
  const unit = display.unit || null;
  const place = [display.district_name, display.street_name].filter(Boolean).join(' ');
  return [
    { key: 'unit', label, value: unit ? `${unit.name}${unit.credit_code ? `（${unit.credit_code}）` : ''}` : data.unit_name || '（未填写）' },
    { key: 'place', label: '单位所在地', value: place || [data.district_code, data.street_code].filter(Boolean).join(' ') },
  ];
}

// Rows (label, value) of a 信息变更, 信息登记 or 会员信息认领 for the worker's and the
// reviewer's detail pages, in pairs for a two-column table. A 信息变更 shows each item as it
// was (`display.current`) beside what it should be; `display.org_after` is the union the unit
// and place lead to; a 会员信息认领 shows the roster entry (`display.roster`).
export function recordDataRows(app) {
  const kind = app && app.kind;
  const data = (app && app.data) || {};
  const display = (app && app.display) || {};
  const rows = [];
  if (kind === 'correction') {
    const items = Array.isArray(data.items) ? data.items : [];
    const current = display.current || {};
    const labels = Array.isArray(display.item_labels) ? display.item_labels : items.map(itemLabel);
    rows.push({ key: 'items', label: '变更项目', value: labels.join('、') }, { key: 'explanation', label: '情况说明', value: data.explanation });
    if (items.includes('org')) {
      rows.push(
        { key: 'org_was', label: '原所属工会', value: orgName(current.org) },
        { key: 'org_after', label: '变更后所属工会', value: orgName(display.org_after) },
        ...unitRows(data, display, '变更后工作单位'),
      );
    }
    if (items.includes('joined_on')) {
      rows.push({ key: 'joined_was', label: '原入会日期', value: current.joined_on }, { key: 'joined_on', label: '变更后入会日期', value: data.joined_on });
    }
    if (items.includes('member_no')) {
      rows.push({ key: 'member_no_was', label: '原会员编号', value: current.member_no }, { key: 'member_no', label: '变更后会员编号', value: data.member_no });
    }
  } else if (kind === 'registration') {
    rows.push(
      ...unitRows(data, display, '工作单位'),
      { key: 'org_after', label: '登记所属工会', value: orgName(display.org_after) },
      { key: 'joined_on', label: '入会日期', value: data.joined_on },
      { key: 'member_no', label: '会员编号', value: data.member_no || '（未填写，审核通过后由系统编号）' },
      { key: 'explanation', label: '情况说明', value: data.explanation },
    );
  } else {
    // 会员信息认领: the roster entry that matched the worker's ID number.
    const entry = display.roster || {};
    rows.push(
      { key: 'org', label: '花名册所属工会', value: orgName(entry.org) || (app && app.org && app.org.name) },
      { key: 'name', label: '花名册登记姓名', value: entry.name },
      { key: 'phone', label: '花名册登记手机号', value: entry.phone_masked },
      { key: 'joined_on', label: '入会日期', value: entry.joined_on },
      { key: 'member_no', label: '会员编号', value: entry.member_no },
    );
  }
  return rows.map(show);
}

export const CORRECTION_NEXT_STEPS =
  '您的信息变更申请已递交，所属工会将尽快核实办理。审核结果将以短信通知您，您也可以在“我的办事”中查看办理进度。';
export const REGISTRATION_NEXT_STEPS =
  '您的信息登记申请已递交，工会将核实您的线下入会情况后办理。审核结果将以短信通知您，您也可以在“我的办事”中查看办理进度。';

// Offline rosters (back office) -------------------------------------------------------------

export const ROSTER_STATUSES = [
  { value: 'unlinked', label: '待关联' },
  { value: 'linked', label: '已关联' },
  { value: 'claim', label: '认领待确认' },
  { value: 'flagged', label: '重复待处理' },
  { value: 'set_aside', label: '已作废' },
];

export function rosterStatusLabel(status) {
  const s = ROSTER_STATUSES.find((x) => x.value === status);
  return s ? s.label : status || '';
}

export const ROSTER_HEADER = '姓名,身份证号,手机号,入会日期,会员编号';
// The request body may be 4 MiB; the file, a little less (the JSON around it).
export const ROSTER_MAX_BYTES = 4 * 1024 * 1024 - 16 * 1024;

// The field names of a roster CSV (either header) in Chinese, for the error table.
const ROSTER_FIELD_LABELS = {
  name: '姓名',
  id_number: '身份证号',
  phone: '手机号',
  join_date: '入会日期',
  joined_on: '入会日期',
  member_no: '会员编号',
  org_id: '所属组织',
  csv: '文件',
};

export function rosterFieldLabel(field) {
  return ROSTER_FIELD_LABELS[field] || field || '';
}

// The import answer (200/201, or a 422's `error.details`) with its lists always present;
// `linked` / `claims`: accounts linked at once, or asked to claim the entry (another phone).
export function rosterReport(body) {
  const b = body && typeof body === 'object' ? body : {};
  return {
    dryRun: !!b.dry_run,
    rows: Number(b.rows) || 0,
    valid: Number(b.valid) || 0,
    converted: Number(b.converted) || 0,
    imported: Number(b.imported) || 0,
    linked: Number(b.linked) || 0,
    claims: Number(b.claims) || 0,
    batchId: b.batch_id ?? null,
    errors: Array.isArray(b.errors) ? b.errors : [],
    // `errors` lists the first 500; `error_count` counts them all.
    errorCount: Number(b.error_count) || (Array.isArray(b.errors) ? b.errors.length : 0),
    flagged: Array.isArray(b.flagged) ? b.flagged : [],
  };
}
