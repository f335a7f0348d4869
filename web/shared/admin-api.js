// Back office administration (docs/api.md "Back office administration"): the organisation
// tree, staff accounts, the member register and its CSV export, the audit log and the
// dashboard. Org admins work in their subtree, platform admins in the whole city; reviewers
// get 403. Labels for what the server sends as codes.
import { ApiError, query } from './api.js';
import { api } from './staff.js';

const A = '/api/v1/admin';
const id = (v) => encodeURIComponent(v);

export const admin = {
  // { parent, items: [{ id, code, name, kind, active, children, members }] }; without a
  // parent the admin's own organisation. `members`: current members of that organisation
  // itself (not of its subtree).
  orgs: (parentId) => api.get(`${A}/orgs${query({ parent_id: parentId })}`),
  // Grassroots unions of the admin's subtree whose name contains q: { items: [{ id, code, name,
  // kind, active, parent_id, parent_name }] (at most 50), more }.
  searchOrgs: (q) => api.get(`${A}/orgs${query({ q, kind: 'grassroots' })}`),
  createOrg: ({ parent_id, name, kind }) => api.post(`${A}/orgs`, { parent_id, name, kind }),
  renameOrg: (orgId, name) => api.post(`${A}/orgs/${id(orgId)}`, { name }),
  moveOrg: (orgId, parent_id) => api.post(`${A}/orgs/${id(orgId)}`, { parent_id }),
  // 409 must_move until `moveTo` is given (the error's `details` carry `members` and
  // `open_applications`); 409 has_children while active children remain.
  deactivateOrg: (orgId, moveTo) => postKeepingDetails(`${A}/orgs/${id(orgId)}/deactivate`, moveTo ? { move_to: moveTo } : {}),

  staff: (page = 1) => api.get(`${A}/staff${query({ page })}`),
  createStaff: ({ phone, name, role, org_id }) => api.post(`${A}/staff`, { phone, name, role, org_id }),
  // changes: { role?, org_id?, disabled? }
  updateStaff: (staffId, changes) => api.post(`${A}/staff/${id(staffId)}`, changes),
  resetStaffPassword: (staffId) => api.post(`${A}/staff/${id(staffId)}/reset-password`, {}),

  // 单位管理. filters: { q, district_code, street_code, has_union, page, page_size }; answers
  // { total (≤ 1000), total_capped, total_text ("1000+"), page, page_size, items: [unit] }.
  units: (filters = {}) => api.get(`${A}/units${query(filters)}`),
  createUnit: ({ name, credit_code, district_code, street_code, address }) =>
    api.post(`${A}/units`, { name, credit_code, district_code, street_code, address }),
  // changes: { name?, address?, district_code?, street_code? } (the credit code never changes)
  updateUnit: (unitId, changes) => api.post(`${A}/units/${id(unitId)}`, changes),
  // 建会: { unit, org, moved_members }; 409 has_union.
  foundUnion: (unitId, name) => api.post(`${A}/units/${id(unitId)}/found-union`, name ? { name } : {}),
  // orgId null: 取消关联. 409 members_attached while members came through the unit.
  linkUnion: (unitId, orgId) => api.post(`${A}/units/${id(unitId)}/link-union`, { org_id: orgId ?? null }),
  // { dry_run, rows, valid, imported, error_count, errors: [{ line, field, message }], items };
  // a real import with errors: 422 import_invalid with that body in err.details.details.
  importUnits: (csv, dryRun) => postKeepingDetails(`${A}/units/import`, { csv, dry_run: dryRun }),
  // { districts: [{ code, name, streets: [{ code, name, kind }] }] }
  regions: () => api.get('/api/v1/regions'),

  // filters: { name, phone, id_number, org_id, status, page }
  members: (filters = {}) => api.get(`${A}/members${query(filters)}`),
  audit: (filters = {}) => api.get(`${A}/audit${query(filters)}`),
  dashboard: () => api.get(`${A}/dashboard`),

  // Offline rosters (花名册): the import (`dry_run` true previews it), the entries, and the
  // same ID number in two organisations' rosters or memberships (重复待处理).
  importRoster: ({ org_id, csv, dry_run }) => api.post(`${A}/rosters`, { org_id, csv, dry_run }),
  // filters: { org_id, status, q, page }
  rosters: (filters = {}) => api.get(`${A}/rosters${query(filters)}`),
  // filters: { status: open | resolved, page }
  rosterConflicts: (filters = {}) => api.get(`${A}/roster-conflicts${query(filters)}`),
  // keep: { keep_entry_id } (a roster row) or { keep_membership_id } (a current membership).
  resolveRosterConflict: (conflictId, keep) => api.post(`${A}/roster-conflicts/${id(conflictId)}/resolve`, keep),
};

// A POST whose error answer carries more than ApiError keeps (must_move's counts): the same
// request as api.post, read here, the whole `error` object in `err.details`. The CSRF token
// comes from the session; a 401 goes through the API client, whose handler leads to login.
async function postKeepingDetails(path, body) {
  const s = await api.session();
  if (!s || !s.authenticated) return api.post(path, body);
  let res;
  try {
    res = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token || '' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { code: 'network', message: '网络连接失败，请检查网络后重试' });
  }
  if (res.status === 401) return api.post(path, body);
  let data = null;
  try {
    data = await res.json();
  } catch {
    /* no JSON body */
  }
  if (res.ok) return data;
  const err = new ApiError(res.status, data && data.error ? data.error : { message: `请求失败（${res.status}）` });
  err.details = (data && data.error) || {};
  throw err;
}

// A CSV export (`what`: "members" 会员名册 or "rosters" 花名册) as a Blob, with the same filters
// as its list, without the page. The API client only reads JSON, so this one request goes
// through fetch; its errors are ApiErrors.
export async function exportCsv(what, filters = {}) {
  const { page, ...rest } = filters;
  let res;
  try {
    res = await fetch(`${A}/${what}/export${query(rest)}`, {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { Accept: 'text/csv, application/json' },
    });
  } catch {
    throw new ApiError(0, { code: 'network', message: '网络连接失败，请检查网络后重试' });
  }
  if (!res.ok) {
    let body = null;
    try {
      body = await res.json();
    } catch {
      /* no JSON error body */
    }
    throw new ApiError(res.status, body && body.error ? body.error : { message: `导出失败（${res.status}）` });
  }
  return res.blob();
}

export const exportMembers = (filters) => exportCsv('members', filters);

// Saves a Blob under a file name (an <a download> on an object URL).
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export const ORG_KIND_LABELS = {
  city: '市总工会',
  district: '区总工会',
  street: '镇街（园区、联合）工会',
  grassroots: '基层工会',
};

// The kinds an admin may create (POST /admin/orgs).
export const NEW_ORG_KINDS = [
  { value: 'grassroots', label: '基层工会' },
  { value: 'street', label: '镇街（园区、联合）工会' },
];

export function orgKindLabel(kind) {
  return ORG_KIND_LABELS[kind] || kind || '';
}

// Grassroots unions have no lower level; inactive organisations take nothing new.
export function canHaveChildren(org) {
  return !!org && org.active !== false && org.kind !== 'grassroots';
}

// The statuses of current memberships (src/domain/member.c), the register's filter: 已退会 and
// 已开除 memberships are no longer current, so neither the register nor the dashboard has them.
export const MEMBER_STATUSES = [
  { value: 'active', label: '会员' },
  { value: 'laid_off', label: '下岗待岗' },
  { value: 'retained_unemployed', label: '保留会籍（失业）' },
  { value: 'retained_bankrupt', label: '保留会籍（破产）' },
  { value: 'retained_retired', label: '保留会籍（退休）' },
  { value: 'retained_military', label: '保留会籍（服兵役）' },
];

export const ACTOR_KINDS = [
  { value: 'staff', label: '工作人员' },
  { value: 'worker', label: '职工' },
  { value: 'public', label: '未登录访客' },
  { value: 'cli', label: '命令行' },
];

export function actorKindLabel(kind) {
  const k = ACTOR_KINDS.find((a) => a.value === kind);
  return k ? k.label : kind || '';
}

// The actions the server writes to the audit log (src/api/*.c).
export const AUDIT_ACTIONS = [
  { value: 'login.password', label: '密码登录' },
  { value: 'login.password_ok', label: '后台登录：密码正确，待短信验证' },
  { value: 'login.2fa', label: '后台登录（密码+短信验证码）' },
  { value: 'login.2fa_failed', label: '后台登录：短信验证码错误' },
  { value: 'login.sms', label: '短信验证码登录' },
  { value: 'login.register', label: '注册并登录' },
  { value: 'login.failed', label: '登录失败' },
  { value: 'login.locked', label: '登录失败次数过多被锁定' },
  { value: 'logout', label: '退出登录' },
  { value: 'account.register', label: '注册账号' },
  { value: 'account.password', label: '修改密码' },
  { value: 'account.phone', label: '更换手机号' },
  { value: 'account.email.request', label: '申请绑定邮箱' },
  { value: 'account.email.verified', label: '邮箱验证通过' },
  { value: 'id_number.reveal', label: '查看完整身份证号' },
  { value: 'appeal.create', label: '提交人工申诉' },
  { value: 'appeal.photo.view', label: '查看申诉照片' },
  { value: 'appeal.approve', label: '人工申诉通过' },
  { value: 'appeal.reject', label: '人工申诉不通过' },
  { value: 'org.create', label: '新建组织' },
  { value: 'org.rename', label: '重命名组织' },
  { value: 'org.move', label: '移动组织' },
  { value: 'org.deactivate', label: '停用组织' },
  { value: 'staff.create', label: '新增工作人员' },
  { value: 'staff.update', label: '调整工作人员' },
  { value: 'staff.password_reset', label: '重置工作人员密码' },
  { value: 'members.export', label: '导出会员名册' },
  { value: 'roster.import', label: '导入花名册' },
  { value: 'rosters.export', label: '导出花名册' },
  { value: 'roster.conflict.resolve', label: '处理重复的花名册记录' },
  { value: 'roster.claim', label: '提交会员信息认领' },
  { value: 'membership.verify', label: '会员信息核实无误' },
  { value: 'unit.create', label: '新增单位' },
  { value: 'unit.update', label: '编辑单位' },
  { value: 'unit.found_union', label: '单位建会' },
  { value: 'unit.link_union', label: '单位关联工会' },
  { value: 'unit.unlink_union', label: '单位取消关联工会' },
  { value: 'unit.import', label: '批量导入单位' },
];

export function auditActionLabel(action) {
  const a = AUDIT_ACTIONS.find((x) => x.value === action);
  return a ? a.label : '';
}

// Hours → "18.5 小时" below two days, "3.2 天" from then on (calendar time).
export function formatDuration(hours) {
  const h = Number(hours);
  if (!Number.isFinite(h) || h < 0) return '—';
  if (h < 48) return `${h < 10 ? h.toFixed(1) : Math.round(h)} 小时`;
  return `${(h / 24).toFixed(1)} 天`;
}

// Removes empty filter values ('' / null / undefined).
export function compact(obj) {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== '' && v !== null && v !== undefined));
}
