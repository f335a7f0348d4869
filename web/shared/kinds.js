// The kinds of application a worker files through the one application engine (docs/api.md):
// the words of each kind's pages on both sites — menu trail, steps, agreement, result — and
// the rows of its form data on the detail pages. Data and lookups only; join.js runs the pages.
import { DEFAULT_NEXT_STEPS, joinDataRows } from './applications.js';
import { TRANSFER_NEXT_STEPS, transferDataRows } from './transfer-form.js';
import { CORRECTION_NEXT_STEPS, recordDataRows, REGISTRATION_NEXT_STEPS } from './verification-form.js';

const BUSINESS = ['业务申报平台', '会员基础类业务'];
const VERIFICATION = { label: '信息核实与登记', to: '/verification' };

// label: the menu entry and 我的办事's 事项名称; noun: "an application of this kind";
// trail: the PC breadcrumb above the 条件检查 (strings, or {label, to} links);
// agreementStep / agreementShort: the agreement's step on the PC / H5 steps bar;
// agreementTitle: until GET /{kind}/agreement answers; guide: the H5 办事指南 (or the page
// that leads to the service); back: where 返回 goes from the 条件检查; review: the back
// office's queue; approveEffect / approved: its 通过 confirmation and message.
export const KINDS = {
  join: {
    label: '网上入会申请',
    noun: '入会申请',
    trail: [...BUSINESS, '网上入会申请'],
    checkLead: '入会申请前会先检查您的条件是否符合，符合全部条件即可发起申请。',
    agreementStep: '阅读入会申请书',
    agreementShort: '入会申请书',
    agreementTitle: '中华全国总工会入会申请书',
    agreementTip: '入会时需要知晓并同意',
    formTitle: '填写入会申请',
    resultTitle: '入会申请已提交',
    nextSteps: DEFAULT_NEXT_STEPS,
    guide: '/guide/join',
    back: '/me',
    review: { path: '/join-review', title: '入会审核' },
    approveEffect: '通过后将为其办理会籍并短信通知。',
    approved: '审核通过，已为申请人办理入会',
  },
  transfer: {
    label: '会籍变更申请',
    noun: '会籍变更申请',
    trail: [...BUSINESS, '会籍变更申请'],
    checkLead: '若您由于工作变动或其他原因需要转移会籍，可发起会籍变更申请。申请前会先检查您的条件是否符合。',
    agreementStep: '阅读会籍关系变更提醒',
    agreementShort: '变更提醒',
    agreementTitle: '工会会员会籍关系变更提醒',
    agreementTip: '会籍变更时需要知晓并同意',
    formTitle: '填写会籍变更申请',
    resultTitle: '会籍变更申请已提交',
    nextSteps: TRANSFER_NEXT_STEPS,
    guide: '/guide/transfer',
    back: '/me',
    review: { path: '/transfer-review', title: '会籍变更审核' },
    approveEffect: '通过后将按申请变更其会籍并短信通知。',
    approved: '审核通过，已为申请人办理会籍变更',
  },
  correction: {
    label: '信息变更申请',
    noun: '信息变更申请',
    trail: [...BUSINESS, VERIFICATION, '信息变更申请'],
    checkLead: '系统中的会员信息（所属工会、入会日期、会员编号）有误的，可以申请信息变更，由所属工会审核后更正。申请前会先检查您的条件是否符合。',
    agreementStep: '阅读信息变更承诺书',
    agreementShort: '承诺书',
    agreementTitle: '会员信息变更承诺书',
    agreementTip: '申请信息变更时需要知晓并同意',
    formTitle: '填写信息变更申请',
    resultTitle: '信息变更申请已提交',
    nextSteps: CORRECTION_NEXT_STEPS,
    guide: '/verification',
    back: '/verification',
    review: { path: '/correction-review', title: '信息变更审核' },
    approveEffect: '通过后将按申请更正其会员信息并短信通知。',
    approved: '审核通过，已按申请更正会员信息',
  },
  registration: {
    label: '信息登记申请',
    noun: '信息登记申请',
    trail: [...BUSINESS, VERIFICATION, '信息登记申请'],
    checkLead: '已在线下入会但系统中没有会员信息的职工，可以申请信息登记，由工会核实后登记会员信息。申请前会先检查您的条件是否符合。',
    agreementStep: '阅读信息登记承诺书',
    agreementShort: '承诺书',
    agreementTitle: '会员信息登记承诺书',
    agreementTip: '申请信息登记时需要知晓并同意',
    formTitle: '填写信息登记申请',
    resultTitle: '信息登记申请已提交',
    nextSteps: REGISTRATION_NEXT_STEPS,
    guide: '/verification',
    back: '/verification',
    review: { path: '/registration-review', title: '信息登记审核' },
    approveEffect: '通过后将为其登记会员信息并短信通知。',
    approved: '审核通过，已为申请人登记会员信息',
  },
  claim: {
    label: '会员信息认领',
    noun: '会员信息认领申请',
    review: { path: '/claim-review', title: '会员认领审核' },
    approveEffect: '通过后该条花名册记录将关联到申请人的账号，并短信通知。',
    approved: '审核通过，会员信息已关联到申请人的账号',
  },
};

export function kindInfo(kind) {
  return KINDS[kind] || KINDS.join;
}

// The kinds with a queue in the back office, in its menu's order.
export const REVIEW_KINDS = ['join', 'transfer', 'correction', 'registration', 'claim'];

// The PC steps bar and the H5 one.
export function stepTitles(kind, { h5 = false } = {}) {
  const k = kindInfo(kind);
  return h5 ? ['条件检查', k.agreementShort, '填写信息', '提交'] : ['条件检查', k.agreementStep, '填写申请信息', '提交完成'];
}

// Breadcrumb items ({label, to?}) of a step page: the trail to the kind, then the step.
export function crumbs(kind, step = '') {
  const k = kindInfo(kind);
  const items = k.trail.map((c) => (typeof c === 'string' ? { label: c } : c));
  if (!step) return items;
  items[items.length - 1] = { label: k.label, to: `/${kind}` };
  return [...items.filter((c) => c.to), { label: step }];
}

// The breadcrumb of a form page: from 我的办事 for a saved application, else from the kind.
export function formCrumbs(kind, id, title) {
  const from = id ? { label: '我的办事', to: '/affairs' } : { label: kindInfo(kind).label, to: `/${kind}` };
  return [from, { label: title }];
}

// A form page's ways on (the same paths on both sites): the first 【暂存】 makes the page edit
// the new application, 【提交】 leads to the result, a missing 同意 back to the agreement.
export function formRoutes(kind, route, router) {
  return {
    onSaved: (app) => {
      if (String(route.params.id || '') !== String(app.id)) router.replace(`/${kind}/form/${app.id}`);
    },
    onSubmitted: (app) => router.replace(`/${kind}/result/${app.id}`),
    onConsentMissing: () => router.replace(`/${kind}/agreement`),
  };
}

// The four routes of a kind (the same paths on both sites): 条件检查 → the agreement → the
// form, new (after 【同意】) or a saved one opened from 我的办事 → the result. `pages`: the
// site's components { check, agreement, form, result }; `formKind`: the form takes the kind as
// a prop (one form for several kinds).
export function flowRoutes(kind, pages, { h5 = false, formKind = false } = {}) {
  const k = kindInfo(kind);
  const meta = (title) => ({ title, requiresAuth: true });
  return [
    { path: `/${kind}`, name: kind, component: pages.check, props: { kind }, meta: meta(h5 ? '条件检查' : k.label) },
    { path: `/${kind}/agreement`, name: `${kind}-agreement`, component: pages.agreement, props: { kind }, meta: meta(k.agreementTitle) },
    { path: `/${kind}/form/:id(\\d+)?`, name: `${kind}-form`, component: pages.form, props: formKind && { kind }, meta: meta(k.formTitle) },
    {
      path: `/${kind}/result/:id(\\d+)`,
      name: `${kind}-result`,
      component: pages.result,
      props: (route) => ({ kind, id: route.params.id }),
      meta: meta(h5 ? '提交成功' : k.resultTitle),
    },
  ];
}

// The form data of any kind as label/value rows (detail pages of both sites and the back
// office); `person` supplies 性别 and 出生日期 of a join application that does not carry them.
export function applicationRows(app, person = null) {
  const kind = app && app.kind;
  if (kind === 'transfer') return transferDataRows(app);
  if (kind === 'correction' || kind === 'registration' || kind === 'claim') return recordDataRows(app);
  return joinDataRows(app, person);
}
