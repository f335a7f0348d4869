// The application engine's pages for the PC site and the H5 site: the state and the requests
// of each step of any kind (条件检查, the agreement and 【同意】, the form with its unit search,
// the result), of 我的办事 and one application, and 网上入会's own form, so the sites only
// render them. `notify` is the site's toast ({success(message), error(message)}).
import { reactive, ref } from 'vue';
import { session, worker } from './worker.js';
import {
  applyJoinError,
  checkJoinForm,
  emptyJoinErrors,
  emptyJoinForm,
  isAffairTab,
  joinData,
  joinFormFrom,
  newRequestId,
  streetsOf,
} from './applications.js';
import { kindInfo } from './kinds.js';

function storage() {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

function readJson(key) {
  const s = storage();
  if (!s) return null;
  try {
    return JSON.parse(s.getItem(key) || 'null');
  } catch {
    return null;
  }
}

function writeJson(key, value) {
  const s = storage();
  if (!s) return;
  try {
    if (value === null) s.removeItem(key);
    else s.setItem(key, JSON.stringify(value));
  } catch {
    /* storage full or disabled */
  }
}

// Runs a page's first load: `loading` while it runs, its failure in `error`.
export async function loadInto(state, fn) {
  state.loading = true;
  state.error = '';
  try {
    await fn();
  } catch (err) {
    state.error = err.message;
  } finally {
    state.loading = false;
  }
}

// 条件检查 of any kind: the conditions with pass/fail and reason, the open application, and
// what some kinds add (会籍变更: the current membership and the nine reasons).
export function useEligibility(kind = 'join') {
  const state = reactive({ loading: true, error: '', eligible: false, conditions: [], open: null, membership: null, reasons: [] });

  const load = () =>
    loadInto(state, async () => {
      const res = await worker.eligibility(kind);
      state.eligible = !!res.eligible;
      state.conditions = Array.isArray(res.conditions) ? res.conditions : [];
      state.open = res.open_application || null;
      state.membership = res.membership || null;
      state.reasons = Array.isArray(res.reasons) ? res.reasons : [];
    });

  return { state, load };
}

// The agreement and 【同意】 ---------------------------------------------------------------
// The consent id travels to the form page in sessionStorage (no agreement, no form); one
// key per kind of application.
export function consentStore(key) {
  return {
    get() {
      const c = readJson(key);
      return c && typeof c.id === 'number' ? c : null;
    },
    save(id, version) {
      writeJson(key, { id, version });
    },
    clear() {
      writeJson(key, null);
    },
  };
}

const consents = {};

export function consentFor(kind) {
  if (!consents[kind]) consents[kind] = consentStore(`gonghui.${kind}_consent`);
  return consents[kind];
}

// The agreement page of a kind (网上入会: 《中华全国总工会入会申请书》).
export function useAgreement({ notify, onAgreed, kind = 'join' }) {
  const store = consentFor(kind);
  const state = reactive({ loading: true, error: '', title: kindInfo(kind).agreementTitle, text: '', version: '', busy: false });

  const load = () =>
    loadInto(state, async () => {
      const res = await worker.agreement(kind);
      state.title = res.title || state.title;
      state.text = res.text || '';
      state.version = res.version || '';
    });

  async function agree() {
    if (state.busy || !state.version) return;
    state.busy = true;
    try {
      const res = await worker.consent(kind, state.version);
      store.save(res.consent_id, state.version);
      onAgreed();
    } catch (err) {
      notify.error(err.message);
      // A newer text (field `version`): show it.
      if (err.field === 'version') load();
    } finally {
      state.busy = false;
    }
  }

  return { state, load, agree };
}

// Reference data of the form, loaded once per page load.
let regionsPromise = null;
let optionsPromise = null;

export function loadRegions() {
  if (!regionsPromise) {
    regionsPromise = worker.regions().then((r) => (r && Array.isArray(r.districts) ? r.districts : []));
    regionsPromise.catch(() => {
      regionsPromise = null;
    });
  }
  return regionsPromise;
}

export function loadJoinOptions() {
  if (!optionsPromise) {
    optionsPromise = worker.joinOptions().then((r) => ({
      ethnicities: (r && r.ethnicities) || [],
      educations: (r && r.educations) || [],
      political_statuses: (r && r.political_statuses) || [],
    }));
    optionsPromise.catch(() => {
      optionsPromise = null;
    });
  }
  return optionsPromise;
}

// The unit search (【搜索】 → pick → 【确定】 → confirm → 【确定】) -----------------------------
export const UNIT_PAGE_SIZE = 10;

export function useUnitSearch({ notify }) {
  const state = reactive({
    q: '',
    searched: '',
    page: 1,
    pageSize: UNIT_PAGE_SIZE,
    loading: false,
    error: '',
    items: [],
    total: 0,
    capped: false,
    totalText: '',
    selected: null, // the row picked in the list
    confirming: null, // the unit on the confirm step
  });

  async function search(page = 1) {
    const q = state.q.trim();
    if (!q) {
      state.error = '请输入工作单位名称（可输入关键字）';
      return false;
    }
    state.loading = true;
    state.error = '';
    try {
      const res = await worker.units({ q, page, page_size: state.pageSize });
      state.searched = q;
      state.page = res.page || page;
      state.items = Array.isArray(res.items) ? res.items : [];
      state.total = res.total || 0;
      state.capped = !!res.total_capped;
      state.totalText = res.total_capped ? res.total_text || '1000+' : String(res.total || 0);
      state.selected = null;
      return true;
    } catch (err) {
      if (err.field === 'q') state.error = err.message;
      else notify.error(err.message);
      return false;
    } finally {
      state.loading = false;
    }
  }

  function page(n) {
    return search(n);
  }

  function pick(unit) {
    state.selected = unit || null;
  }

  // 【确定】 in the list: on to the confirm step.
  function choose() {
    if (!state.selected) {
      notify.error('请在列表中选择您的工作单位');
      return false;
    }
    state.confirming = state.selected;
    return true;
  }

  function back() {
    state.confirming = null;
  }

  function reset() {
    state.selected = null;
    state.confirming = null;
  }

  return { state, search, page, pick, choose, back, reset };
}

// The form of any kind -----------------------------------------------------------------------
// `rules`: the kind's form without Vue — empty(), errors(), from(data), check(form, errors,
// submit, state), data(form, state), applyError(errors, err), and `place`: the names of its
// 区 and 镇街 fields (a unit picked in the search preselects them). `state`: what the page
// keeps besides the common state; `prepare(state)`: what it loads beside the regions;
// `onFill(app, state)`: what it takes from a saved application besides the form.
// `id`: an application to edit (from 我的办事), or null for a new one (needs the consent).
// The first 【暂存】 creates the application, later saves and 【提交】 PUT it with its
// `version`; a 409 reloads it.
export function useApplicationForm({ kind, rules, notify, id = null, state: extra = {}, prepare, onFill, onSaved, onSubmitted, onConsentMissing, onGone }) {
  const form = reactive(rules.empty());
  const errors = reactive(rules.errors());
  const state = reactive({
    loading: true,
    error: '',
    busy: '', // 'save' | 'submit' while a request runs
    id: id ? Number(id) : null,
    version: null,
    status: '',
    reason: '', // the reviewer's reason of a returned application
    ref: '',
    unit: null, // the chosen unit (for display)
    regions: [],
    ...extra,
  });
  // Made when the form opens; a retried create with it returns the same application.
  const requestId = ref(newRequestId());
  const consent = consentFor(kind);
  const [districtKey, streetKey] = rules.place;
  let consentId = null;

  async function load() {
    state.loading = true;
    state.error = '';
    try {
      const [regions] = await Promise.all([loadRegions(), prepare ? prepare(state) : null]);
      state.regions = regions;
      if (state.id) {
        const res = await worker.application(state.id);
        fill(res.application);
        if (!(res.application.actions || []).includes('edit')) state.error = '该申请当前状态不能修改';
      } else {
        const c = consent.get();
        if (!c) {
          onConsentMissing && onConsentMissing();
          return;
        }
        consentId = c.id;
      }
    } catch (err) {
      if (err.status === 404 && onGone) onGone();
      state.error = err.message;
    } finally {
      state.loading = false;
    }
  }

  function fill(app) {
    Object.assign(form, rules.from(app.data));
    state.id = app.id;
    state.version = app.version;
    state.status = app.status;
    state.reason = app.reason || '';
    state.ref = app.ref || '';
    state.unit = (app.display && app.display.unit) || null;
    if (onFill) onFill(app, state);
  }

  const streets = () => streetsOf(state.regions, form[districtKey]);

  function setDistrict(code) {
    form[districtKey] = code || '';
    if (!streets().some((s) => s.code === form[streetKey])) form[streetKey] = '';
    errors[districtKey] = '';
  }

  function setStreet(code) {
    form[streetKey] = code || '';
    errors[streetKey] = '';
  }

  // A unit confirmed in the search (or null): its district and street preselect the place.
  function setUnit(unit) {
    state.unit = unit || null;
    form.unit_id = unit ? unit.id : null;
    errors.unit_id = '';
    if (unit && unit.district && unit.district.code) {
      form[districtKey] = unit.district.code;
      form[streetKey] = unit.street && unit.street.code ? unit.street.code : '';
      if (!streets().some((s) => s.code === form[streetKey])) form[streetKey] = '';
      errors[districtKey] = '';
      errors[streetKey] = '';
    }
  }

  async function save(submit) {
    if (state.busy) return;
    if (!rules.check(form, errors, submit, state)) {
      notify.error(submit ? '请完善标记的必填项后再提交' : '请修改标记的内容');
      return;
    }
    state.busy = submit ? 'submit' : 'save';
    const data = rules.data(form, state);
    try {
      let res;
      if (state.id) {
        res = await worker.updateApplication(state.id, { data, submit, version: state.version });
      } else {
        res = await worker.createApplication({ kind, consent_id: consentId, request_id: requestId.value, data, submit });
        consent.clear();
      }
      const app = res.application;
      fill(app);
      if (submit) {
        rememberResult(app);
        onSubmitted && onSubmitted(app);
      } else {
        notify.success('已暂存，可在“我的办事”中继续填写');
        onSaved && onSaved(app);
      }
    } catch (err) {
      if (err.code === 'consent_required' || err.field === 'consent_id') {
        // The 同意 was not recorded (or is used up): read the agreement again.
        consent.clear();
        notify.error(err.message);
        if (onConsentMissing) onConsentMissing();
      } else if (err.code === 'conflict') {
        notify.error(err.message || '该申请已在别处修改，请刷新后重试');
        await reload();
      } else if (!rules.applyError(errors, err)) {
        notify.error(err.message);
      } else {
        notify.error(err.code === 'incomplete' ? err.message : '请修改标记的内容');
      }
    } finally {
      state.busy = '';
    }
  }

  async function reload() {
    if (!state.id) return;
    try {
      const res = await worker.application(state.id);
      fill(res.application);
    } catch {
      /* keep what is shown */
    }
  }

  return { form, errors, state, requestId, load, streets, setDistrict, setStreet, setUnit, save };
}

const JOIN_RULES = {
  empty: emptyJoinForm,
  errors: emptyJoinErrors,
  from: joinFormFrom,
  check: (form, errors, submit) => checkJoinForm(form, errors, { submit }),
  data: joinData,
  applyError: applyJoinError,
  place: ['work_district', 'work_street'],
};

// The join form: 性别 and 出生日期 from the ID number, the optional fields' options.
export function useJoinForm(options) {
  const flow = useApplicationForm({
    ...options,
    kind: 'join',
    rules: JOIN_RULES,
    state: { options: { ethnicities: [], educations: [], political_statuses: [] }, gender: '', birthDate: '' },
    async prepare(state) {
      const user = session.state.person || {};
      state.gender = user.gender || '';
      state.birthDate = user.birth_date || '';
      state.options = await loadJoinOptions().catch(() => state.options);
    },
    onFill(app, state) {
      const display = app.display || {};
      if (display.gender) state.gender = display.gender;
      if (display.birth_date) state.birthDate = display.birth_date;
    },
  });

  function setEmployment(value) {
    flow.form.employment = value;
    flow.errors.employment = '';
    if (value !== 'unit') flow.errors.unit_id = '';
  }

  return { ...flow, setEmployment };
}

// The result page after 【提交】: the answer of the submit, kept for a reload (any kind).
const RESULT_KEY = 'gonghui.join_result';

export function rememberResult(app) {
  writeJson(RESULT_KEY, { id: app.id, ref: app.ref, status: app.status, status_label: app.status_label, next_steps: app.next_steps || '', org: app.org || null });
}

export function useResult(kind, id) {
  const fallback = kindInfo(kind).nextSteps;
  const state = reactive({ loading: true, error: '', app: null, nextSteps: '' });

  async function load() {
    state.loading = true;
    const kept = readJson(RESULT_KEY);
    if (kept && String(kept.id) === String(id)) {
      state.app = kept;
      state.nextSteps = kept.next_steps || fallback;
      state.loading = false;
      return;
    }
    try {
      const res = await worker.application(id);
      state.app = res.application;
      state.nextSteps = res.application.next_steps || fallback;
    } catch (err) {
      state.error = err.message;
    } finally {
      state.loading = false;
    }
  }

  return { state, load };
}

// 我的办事 ---------------------------------------------------------------------------------
export const AFFAIRS_PAGE_SIZE = 10;

export function useAffairs({ notify, confirm, tab = 'todo' }) {
  const state = reactive({
    tab: isAffairTab(tab) ? tab : 'todo',
    page: 1,
    pageSize: AFFAIRS_PAGE_SIZE,
    loading: false,
    error: '',
    counts: { todo: 0, processing: 0, completed: 0, rejected: 0, all: 0 },
    total: 0,
    items: [],
    busyId: null,
  });
  let seq = 0;

  async function load(page = state.page) {
    const mine = ++seq;
    state.loading = true;
    state.error = '';
    try {
      const res = await worker.affairs({ tab: state.tab, page, page_size: state.pageSize });
      if (mine !== seq) return;
      state.counts = { ...state.counts, ...(res.counts || {}) };
      state.total = res.total || 0;
      state.page = res.page || page;
      state.items = Array.isArray(res.items) ? res.items : [];
    } catch (err) {
      if (mine === seq) state.error = err.message;
    } finally {
      if (mine === seq) state.loading = false;
    }
  }

  function setTab(name) {
    state.tab = isAffairTab(name) ? name : 'todo';
    state.page = 1;
    return load(1);
  }

  // 【撤回】: confirm, then withdraw at the application's current version.
  async function withdraw(item) {
    if (!(await confirm({ title: '撤回申请', message: `确定撤回申请 ${item.ref || ''}？撤回后可在“待办”中修改并重新提交。`, action: '撤回' }))) {
      return false;
    }
    state.busyId = item.id;
    try {
      await withdrawApplication(item.id, item.version);
      notify.success('已撤回');
      await load();
      return true;
    } catch (err) {
      notify.error(err.message);
      await load();
      return false;
    } finally {
      state.busyId = null;
    }
  }

  async function remove(item) {
    if (!(await confirm({ title: '删除暂存', message: '确定删除这条暂存的申请？删除后不能恢复。', action: '删除' }))) return false;
    state.busyId = item.id;
    try {
      await worker.deleteApplication(item.id);
      notify.success('已删除');
      const lastOnPage = state.items.length === 1 && state.page > 1;
      await load(lastOnPage ? state.page - 1 : state.page);
      return true;
    } catch (err) {
      notify.error(err.message);
      await load();
      return false;
    } finally {
      state.busyId = null;
    }
  }

  return { state, load, setTab, withdraw, remove };
}

// Withdraws at `version`; without one (a list that does not carry it), reads it first.
export async function withdrawApplication(id, version = null) {
  let v = version;
  if (v === null || v === undefined) {
    const res = await worker.application(id);
    v = res.application.version;
  }
  return worker.withdrawApplication(id, v);
}

// One application: detail, timeline and the worker's actions.
export function useApplication({ id, notify, confirm }) {
  const state = reactive({ loading: true, error: '', app: null, busy: false });

  const load = () =>
    loadInto(state, async () => {
      const res = await worker.application(id);
      state.app = res.application;
    });

  async function withdraw() {
    const app = state.app;
    if (!app || state.busy) return false;
    if (!(await confirm({ title: '撤回申请', message: `确定撤回申请 ${app.ref || ''}？撤回后可修改并重新提交。`, action: '撤回' }))) return false;
    state.busy = true;
    try {
      await withdrawApplication(app.id, app.version);
      notify.success('已撤回');
      return true;
    } catch (err) {
      notify.error(err.message);
      return false;
    } finally {
      state.busy = false;
      await load();
    }
  }

  async function remove() {
    const app = state.app;
    if (!app || state.busy) return false;
    if (!(await confirm({ title: '删除暂存', message: '确定删除这条暂存的申请？删除后不能恢复。', action: '删除' }))) return false;
    state.busy = true;
    try {
      await worker.deleteApplication(app.id);
      notify.success('已删除');
      return true;
    } catch (err) {
      notify.error(err.message);
      await load();
      return false;
    } finally {
      state.busy = false;
    }
  }

  return { state, load, withdraw, remove };
}

// The membership of the personal centre.
export function useMembership() {
  const state = reactive({ loading: true, error: '', membership: null, history: [] });

  const load = () =>
    loadInto(state, async () => {
      const res = await worker.membership();
      state.membership = res.membership || null;
      state.history = Array.isArray(res.history) ? res.history : [];
    });

  return { state, load };
}
