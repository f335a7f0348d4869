// Applications (办事) and the join form, without any UI library or Vue: labels, tabs, the
// form's checks and the body sent to the server (docs/api.md "网上入会", "我的办事").
// The server has the last word on every rule; these only catch mistakes before a request.

// Status labels. The H5 site says 不通过 where the PC site says 审核不通过 (manual, SPEC §6).
export const STATUS_LABELS = {
  draft: '暂存',
  submitted: '已递交',
  processing: '办理中',
  completed: '已完成',
  rejected: '审核不通过',
  returned: '已退回',
  withdrawn: '已撤回',
};

export function statusLabel(status, { h5 = false, fallback = '' } = {}) {
  if (h5 && status === 'rejected') return '不通过';
  return STATUS_LABELS[status] || fallback || status || '';
}

// A colour for each status: Element Plus tag types (Vant maps them in its own page).
export function statusTone(status) {
  if (status === 'completed') return 'success';
  if (status === 'rejected') return 'danger';
  if (status === 'returned') return 'warning';
  if (status === 'submitted' || status === 'processing') return 'primary';
  return 'info';
}

// Statuses whose reviewer's reason the worker sees.
export function showsReason(status) {
  return status === 'returned' || status === 'rejected';
}

// The tabs of 我的办事, in the manual's order, with each site's labels.
export const AFFAIR_TABS = [
  { name: 'todo', pc: '我的待办', h5: '待办' },
  { name: 'processing', pc: '办理中', h5: '办理中' },
  { name: 'completed', pc: '已完成', h5: '已完成' },
  { name: 'rejected', pc: '审核不通过', h5: '不通过' },
  { name: 'all', pc: '全部', h5: '全部' },
];

export function isAffairTab(name) {
  return AFFAIR_TABS.some((t) => t.name === name);
}

// The worker's actions on one application, as the server lists them in `actions`.
// `edit` reads 继续填写 for a draft and 修改 otherwise.
export function rowActions(item) {
  const actions = Array.isArray(item && item.actions) ? item.actions : [];
  const out = [];
  if (actions.includes('edit')) out.push({ name: 'edit', label: item.status === 'draft' ? '继续填写' : '修改' });
  if (actions.includes('withdraw')) out.push({ name: 'withdraw', label: '撤回' });
  if (actions.includes('delete')) out.push({ name: 'delete', label: '删除' });
  return out;
}

// The kinds the worker fills in (会员信息认领 `claim` is filed by the system: no form).
export const FORM_KINDS = ['join', 'transfer', 'correction', 'registration'];

// Where a kind of application is filled in (the same paths on the PC and H5 sites).
export function formPath(item) {
  if (item && FORM_KINDS.includes(item.kind)) return `/${item.kind}/form/${item.id}`;
  return null;
}

// The join form -------------------------------------------------------------------------

export const JOIN_FIELDS = {
  residence: '现居住地',
  employment: '工作单位',
  unit_id: '工作单位',
  work_district: '工作单位所在区',
  work_street: '工作单位所在镇街',
  ethnicity: '民族',
  education: '学历',
  political_status: '政治面貌',
  position: '职务/岗位',
};

export const EMPLOYMENT_OPTIONS = [
  { value: 'unit', label: '有工作单位' },
  { value: 'none', label: '无固定工作单位/灵活就业' },
];

export const RESIDENCE_MAX = 100;
export const POSITION_MAX = 50;

export function emptyJoinForm() {
  return {
    residence: '',
    employment: '',
    unit_id: null,
    work_district: '',
    work_street: '',
    ethnicity: '',
    education: '',
    political_status: '',
    position: '',
  };
}

export function emptyJoinErrors() {
  const errors = {};
  for (const key of Object.keys(JOIN_FIELDS)) errors[key] = '';
  return errors;
}

// Fills an empty form from a saved application's `data`: the form's keys only, missing ones
// stay empty; `unit_id` is a number, arrays stay arrays (of strings), the rest strings.
export function fillForm(form, data) {
  if (!data || typeof data !== 'object') return form;
  for (const key of Object.keys(form)) {
    const v = data[key];
    if (v === undefined || v === null) continue;
    if (key === 'unit_id') form[key] = Number(v) || null;
    else if (Array.isArray(form[key])) form[key] = Array.isArray(v) ? v.map(String) : [];
    else form[key] = String(v);
  }
  return form;
}

export function joinFormFrom(data) {
  return fillForm(emptyJoinForm(), data);
}

const chars = (v) => [...String(v || '')].length;

function requiredMessage(field) {
  if (field === 'unit_id') return '请搜索并选择工作单位';
  if (field === 'employment') return '请选择工作单位情况';
  if (field === 'work_district' || field === 'work_street') return `请选择${JOIN_FIELDS[field]}`;
  return `请填写${JOIN_FIELDS[field] || field}`;
}

// Checks before 【暂存】 (formats only) or 【提交】 (everything); fills `errors`, true when fine.
export function checkJoinForm(form, errors, { submit }) {
  for (const key of Object.keys(errors)) errors[key] = '';
  if (chars(form.residence.trim()) > RESIDENCE_MAX) errors.residence = `现居住地不能超过${RESIDENCE_MAX}个字`;
  if (chars(form.position.trim()) > POSITION_MAX) errors.position = `职务/岗位不能超过${POSITION_MAX}个字`;
  if (form.work_street && !form.work_district) errors.work_district = requiredMessage('work_district');
  if (submit) {
    if (!form.residence.trim()) errors.residence = requiredMessage('residence');
    if (!form.employment) errors.employment = requiredMessage('employment');
    if (form.employment === 'unit' && !form.unit_id) errors.unit_id = requiredMessage('unit_id');
    if (!form.work_district) errors.work_district = requiredMessage('work_district');
    if (!form.work_street) errors.work_street = requiredMessage('work_street');
  }
  return Object.values(errors).every((m) => !m);
}

// The `data` object of a create or update: empty optional fields are left out, and the unit
// only travels with 有工作单位.
export function joinData(form) {
  const data = {};
  const text = (key) => {
    const v = String(form[key] || '').trim();
    if (v) data[key] = v;
  };
  text('residence');
  if (form.employment) data.employment = form.employment;
  if (form.employment === 'unit' && form.unit_id) data.unit_id = Number(form.unit_id);
  text('work_district');
  text('work_street');
  text('ethnicity');
  text('education');
  text('political_status');
  text('position');
  return data;
}

// The form field a server error names: `data.work_street` → `work_street`.
export function formField(name) {
  if (typeof name !== 'string') return '';
  return name.startsWith('data.') ? name.slice(5) : name;
}

// Puts a server error on a form's `errors`: 422 `incomplete` marks every listed field with
// `requiredMessage(field)`, an error with `field` (`data.work_street`, …) goes next to that
// field; `alias` maps a server field to the form's (e.g. unit_name shown at unit_id). Returns
// true when something was marked.
export function applyFormError(errors, err, requiredMessage, alias = {}) {
  const own = (name) => {
    const field = formField(name);
    const mapped = alias[field] || field;
    return mapped && Object.prototype.hasOwnProperty.call(errors, mapped) ? mapped : '';
  };
  let marked = false;
  if (err && err.code === 'incomplete' && Array.isArray(err.fields)) {
    for (const name of err.fields) {
      const field = own(name);
      if (field) {
        errors[field] = requiredMessage(field);
        marked = true;
      }
    }
  }
  const field = own(err && err.field);
  if (field) {
    errors[field] = err.message || requiredMessage(field);
    marked = true;
  }
  return marked;
}

export function applyJoinError(errors, err) {
  return applyFormError(errors, err, requiredMessage);
}

// The streets (镇街, including zones) of a district in GET /regions.
export function streetsOf(regions, districtCode) {
  const d = (regions || []).find((x) => x.code === districtCode);
  return d && Array.isArray(d.streets) ? d.streets : [];
}

export function regionName(regions, code) {
  if (!code) return '';
  for (const d of regions || []) {
    if (d.code === code) return d.name;
    for (const s of d.streets || []) if (s.code === code) return s.name;
  }
  return '';
}

// Organisation names arrive as {id, name} in some answers and as a plain name in others
// (`display.current.org`, `memberships[].org`, `events[].org`).
export function orgName(org) {
  if (!org) return '';
  return typeof org === 'string' ? org : org.name || '';
}

// "思明区 鼓浪屿街道" for a unit from GET /units.
export function unitPlace(unit) {
  if (!unit) return '';
  return [unit.district && unit.district.name, unit.street && unit.street.name].filter(Boolean).join(' ');
}

// The total line of a unit search: "共 6 条" or "共 1000+ 条".
export function unitTotalText(res) {
  if (!res) return '';
  if (res.total_capped) return res.total_text || '1000+';
  return String(res.total ?? 0);
}

// Rows (label, value) of a join application for detail pages: the worker's and the reviewer's.
// 性别 and 出生日期 come from the ID number: the application's `display`, else `person` (the
// logged-in worker, or the reviewer's `applicant`).
export function joinDataRows(app, person = null) {
  const data = (app && app.data) || {};
  const display = { ...(person ? { gender: person.gender, birth_date: person.birth_date } : {}) };
  for (const [k, v] of Object.entries((app && app.display) || {})) if (v !== undefined && v !== null && v !== '') display[k] = v;
  const unit = display.unit || null;
  const employment = EMPLOYMENT_OPTIONS.find((o) => o.value === data.employment);
  const rows = [
    { key: 'residence', label: '现居住地', value: data.residence },
    { key: 'employment', label: '工作单位情况', value: employment ? employment.label : '' },
  ];
  if (data.employment === 'unit' || unit) {
    rows.push({ key: 'unit', label: '工作单位', value: unit ? unit.name : '' });
    if (unit && unit.credit_code) rows.push({ key: 'credit_code', label: '统一社会信用代码', value: unit.credit_code });
  }
  rows.push(
    {
      key: 'work_place',
      label: '工作单位所在地',
      value: [display.work_district_name, display.work_street_name].filter(Boolean).join(' '),
    },
    { key: 'gender', label: '性别', value: display.gender },
    { key: 'birth_date', label: '出生日期', value: display.birth_date },
    { key: 'ethnicity', label: '民族', value: data.ethnicity },
    { key: 'education', label: '学历', value: data.education },
    { key: 'political_status', label: '政治面貌', value: data.political_status },
    { key: 'position', label: '职务/岗位', value: data.position },
  );
  return rows.map((r) => ({ ...r, value: r.value === undefined || r.value === null || r.value === '' ? '—' : String(r.value) }));
}

// "2026-11-29 14:03" from an ISO time (local time of the browser); '' for none.
export function formatTime(value) {
  if (!value) return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

// A v4 UUID for `request_id`. crypto.randomUUID needs a secure context; getRandomValues does not.
export function newRequestId() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') {
    try {
      return c.randomUUID();
    } catch {
      /* not a secure context */
    }
  }
  const b = new Uint8Array(16);
  c.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const DEFAULT_NEXT_STEPS =
  '您的入会申请已递交，工会审核人员将尽快审核。审核结果将以短信通知您，您也可以在“我的办事”中查看办理进度。';
