// Display helpers. The server already masks phones and ID numbers; these keep a value masked
// if a full one ever reaches a page, and label the remaining fields.

export function maskPhone(phone) {
  const v = String(phone || '');
  if (!v) return '';
  if (v.includes('*')) return v;
  if (v.length !== 11) return v;
  return `${v.slice(0, 3)}****${v.slice(7)}`;
}

export function maskIdNumber(id) {
  const v = String(id || '');
  if (!v) return '';
  if (v.includes('*')) return v;
  if (v.length !== 18) return v;
  return `${v.slice(0, 4)}**********${v.slice(14)}`;
}

export function memberLabel(isMember) {
  return isMember ? '工会会员' : '尚未入会';
}

export function orEmpty(value) {
  return value === null || value === undefined || value === '' ? '—' : String(value);
}

export const STAFF_ROLE_LABELS = {
  reviewer: '审核人员',
  org_admin: '机构管理员',
  platform_admin: '平台管理员',
};

export function staffRoleLabel(role) {
  return STAFF_ROLE_LABELS[role] || role || '';
}
