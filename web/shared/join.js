// 网上入会 and 我的办事 for the PC site and the H5 site: the state and the requests of each
// page (条件检查, 入会申请书, the form with its unit search, the result, 我的办事 and one
// application), so the sites only render them. `notify` is the site's toast
// ({success(message), error(message)}).
import { reactive, ref } from 'vue';
import { session, worker } from './worker.js';
import {
  applyJoinError,
  checkJoinForm,
  DEFAULT_NEXT_STEPS,
  emptyJoinErrors,
  emptyJoinForm,
  isAffairTab,
  joinData,
  joinFormFrom,
  newRequestId,
  streetsOf,
} from './applications.js';

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

// 条件检查 ----------------------------------------------------------------------------------
export function useEligibility() {
  const state = reactive({ loading: true, error: '', eligible: false, conditions: [], open: null });

  async function load() {
    state.loading = true;
    state.error = '';
    try {
      const res = await worker.joinEligibility();
      state.eligible = !!res.eligible;
      state.conditions = Array.isArray(res.conditions) ? res.conditions : [];
      state.open = res.open_application || null;
    } catch (err) {
      state.error = err.message;
    } finally {
      state.loading = false;
    }
  }

  return { state, load };
}

// 《中华全国总工会入会申请书》 and 【同意】 ------------------------------------------------------
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

export const joinConsent = consentStore('gonghui.join_consent');

// The agreement page: the join one unless another text, consent request and store are given
// (会籍变更 passes its own).
export function useAgreement({
  notify,
  onAgreed,
  title = '中华全国总工会入会申请书',
  fetchText = () => worker.joinAgreement(),
  consent = (version) => worker.joinConsent(version),
  store = joinConsent,
}) {
  const state = reactive({ loading: true, error: '', title, text: '', version: '', busy: false });

  async function load() {
    state.loading = true;
    state.error = '';
    try {
      const res = await fetchText();
      state.title = res.title || state.title;
      state.text = res.text || '';
      state.version = res.version || '';
    } catch (err) {
      state.error = err.message;
    } finally {
      state.loading = false;
    }
  }

  async function agree() {
    if (state.busy || !state.version) return;
    state.busy = true;
    try {
      const res = await consent(state.version);
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

// The join form ---------------------------------------------------------------------------
// `id`: an application to edit (from 我的办事), or null for a new one (needs the consent).
export function useJoinForm({ notify, id = null, onSaved, onSubmitted, onConsentMissing, onGone }) {
  const form = reactive(emptyJoinForm());
  const errors = reactive(emptyJoinErrors());
  const state = reactive({
    loading: true,
    error: '',
    busy: '', // 'save' | 'submit' while a request runs
    id: id ? Number(id) : null,
    version: null,
    status: '',
    reason: '',
    ref: '',
    unit: null, // the chosen unit (for display)
    regions: [],
    options: { ethnicities: [], educations: [], political_statuses: [] },
    gender: '',
    birthDate: '',
  });
  // Made when the form opens; a retried create with it returns the same application.
  const requestId = ref(newRequestId());
  let consentId = null;

  async function load() {
    state.loading = true;
    state.error = '';
    const user = session.state.person || {};
    state.gender = user.gender || '';
    state.birthDate = user.birth_date || '';
    try {
      const [regions, options] = await Promise.all([loadRegions(), loadJoinOptions().catch(() => state.options)]);
      state.regions = regions;
      state.options = options;
      if (state.id) {
        const res = await worker.application(state.id);
        fill(res.application);
        if (!(res.application.actions || []).includes('edit')) {
          state.error = '该申请当前状态不能修改';
        }
      } else {
        const consent = joinConsent.get();
        if (!consent) {
          onConsentMissing && onConsentMissing();
          return;
        }
        consentId = consent.id;
      }
    } catch (err) {
      if (err.status === 404 && onGone) onGone();
      state.error = err.message;
    } finally {
      state.loading = false;
    }
  }

  function fill(app) {
    Object.assign(form, joinFormFrom(app.data));
    state.id = app.id;
    state.version = app.version;
    state.status = app.status;
    state.reason = app.reason || '';
    state.ref = app.ref || '';
    const display = app.display || {};
    state.unit = display.unit || null;
    if (display.gender) state.gender = display.gender;
    if (display.birth_date) state.birthDate = display.birth_date;
  }

  const streets = () => streetsOf(state.regions, form.work_district);

  function setDistrict(code) {
    form.work_district = code || '';
    if (!streetsOf(state.regions, form.work_district).some((s) => s.code === form.work_street)) form.work_street = '';
    errors.work_district = '';
  }

  // A unit confirmed in the search: its district and street preselect 工作单位所在地.
  function setUnit(unit) {
    state.unit = unit;
    form.unit_id = unit ? unit.id : null;
    errors.unit_id = '';
    if (unit && unit.district && unit.district.code) {
      form.work_district = unit.district.code;
      form.work_street = unit.street && unit.street.code ? unit.street.code : '';
      if (!streetsOf(state.regions, form.work_district).some((s) => s.code === form.work_street)) form.work_street = '';
      errors.work_district = '';
      errors.work_street = '';
    }
  }

  function setEmployment(value) {
    form.employment = value;
    errors.employment = '';
    if (value !== 'unit') errors.unit_id = '';
  }

  async function save(submit) {
    if (state.busy) return;
    if (!checkJoinForm(form, errors, { submit })) {
      notify.error(submit ? '请完善标记的必填项后再提交' : '请修改标记的内容');
      return;
    }
    state.busy = submit ? 'submit' : 'save';
    const data = joinData(form);
    try {
      let res;
      if (state.id) {
        res = await worker.updateApplication(state.id, { data, submit, version: state.version });
      } else {
        res = await worker.createApplication({
          kind: 'join',
          consent_id: consentId,
          request_id: requestId.value,
          data,
          submit,
        });
        joinConsent.clear();
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
        // The 同意 was not recorded (or is used up): read the 入会申请书 again.
        joinConsent.clear();
        notify.error(err.message);
        if (onConsentMissing) onConsentMissing();
      } else if (err.code === 'conflict') {
        notify.error(err.message || '该申请已在别处修改，请刷新后重试');
        await reload();
      } else if (!applyJoinError(errors, err)) {
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

  return { form, errors, state, requestId, load, streets, setDistrict, setUnit, setEmployment, save };
}

// The result page after 【提交】: the answer of the submit, kept for a reload (any kind).
const RESULT_KEY = 'gonghui.join_result';

export function rememberResult(app) {
  writeJson(RESULT_KEY, { id: app.id, ref: app.ref, status: app.status, status_label: app.status_label, next_steps: app.next_steps || '', org: app.org || null });
}

export function useJoinResult(id, { fallback = DEFAULT_NEXT_STEPS } = {}) {
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

  async function load() {
    state.loading = true;
    state.error = '';
    try {
      const res = await worker.application(id);
      state.app = res.application;
    } catch (err) {
      state.error = err.message;
    } finally {
      state.loading = false;
    }
  }

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

  async function load() {
    state.loading = true;
    state.error = '';
    try {
      const res = await worker.membership();
      state.membership = res.membership || null;
      state.history = Array.isArray(res.history) ? res.history : [];
    } catch (err) {
      state.error = err.message;
    } finally {
      state.loading = false;
    }
  }

  return { state, load };
}
