// 会籍变更 for the PC site and the H5 site: the state and the requests of each page
// (条件检查 with the current membership, 《工会会员会籍关系变更提醒》 and 【同意】, the form with
// its reasons and 转入单位 search, the result), so the sites only render them. The same
// application engine as joining (kind "transfer"): 我的办事, the result page and the unit search
// come from join.js. `notify` is the site's toast ({success(message), error(message)}).
import { reactive, ref } from 'vue';
import { worker } from './worker.js';
import { consentStore, loadRegions, rememberResult, useAgreement, useJoinResult } from './join.js';
import { newRequestId, streetsOf } from './applications.js';
import {
  applyTransferError,
  checkTransferForm,
  emptyTransferErrors,
  emptyTransferForm,
  findReason,
  needsUnit,
  orgName,
  TRANSFER_NEXT_STEPS,
  transferData,
  transferFormFrom,
  unitUnavailable,
} from './transfer-form.js';

// 条件检查: the conditions, the current membership and the nine reasons.
export function useTransferEligibility() {
  const state = reactive({ loading: true, error: '', eligible: false, conditions: [], membership: null, reasons: [], open: null });

  async function load() {
    state.loading = true;
    state.error = '';
    try {
      const res = await worker.transferEligibility();
      state.eligible = !!res.eligible;
      state.conditions = Array.isArray(res.conditions) ? res.conditions : [];
      state.membership = res.membership || null;
      state.reasons = Array.isArray(res.reasons) ? res.reasons : [];
      state.open = res.open_application || null;
    } catch (err) {
      state.error = err.message;
    } finally {
      state.loading = false;
    }
  }

  return { state, load };
}

// 《工会会员会籍关系变更提醒》 → 【同意】: the consent id travels to the form in sessionStorage.
export const transferConsent = consentStore('gonghui.transfer_consent');

export function useTransferAgreement({ notify, onAgreed }) {
  return useAgreement({
    notify,
    onAgreed,
    title: '工会会员会籍关系变更提醒',
    fetchText: () => worker.transferAgreement(),
    consent: (version) => worker.transferConsent(version),
    store: transferConsent,
  });
}

// The form. `id`: an application to edit (from 我的办事), or null for a new one (needs the
// consent). The first 【暂存】 creates the application, later saves and 【提交】 PUT it with its
// `version`; a 409 reloads it.
export function useTransferForm({ notify, id = null, onSaved, onSubmitted, onConsentMissing }) {
  const form = reactive(emptyTransferForm());
  const errors = reactive(emptyTransferErrors());
  const state = reactive({
    loading: true,
    error: '',
    busy: '', // 'save' | 'submit' while a request runs
    id: id ? Number(id) : null,
    version: null,
    status: '',
    reason: '', // the reviewer's reason of a returned application
    ref: '',
    unit: null, // the chosen 转入单位 (for display)
    regions: [],
    reasons: [],
    membership: null,
  });
  const requestId = ref(newRequestId());
  let consentId = null;

  async function load() {
    state.loading = true;
    state.error = '';
    try {
      const [regions, elig] = await Promise.all([loadRegions(), worker.transferEligibility()]);
      state.regions = regions;
      state.reasons = Array.isArray(elig.reasons) ? elig.reasons : [];
      state.membership = elig.membership || null;
      if (state.id) {
        const res = await worker.application(state.id);
        fill(res.application);
        if (!(res.application.actions || []).includes('edit')) state.error = '该申请当前状态不能修改';
      } else {
        const consent = transferConsent.get();
        if (!consent) {
          onConsentMissing && onConsentMissing();
          return;
        }
        consentId = consent.id;
      }
    } catch (err) {
      state.error = err.message;
    } finally {
      state.loading = false;
    }
  }

  function fill(app) {
    Object.assign(form, transferFormFrom(app.data));
    state.id = app.id;
    state.version = app.version;
    state.status = app.status;
    state.reason = app.reason || '';
    state.ref = app.ref || '';
    state.unit = (app.display && app.display.unit) || null;
  }

  const reason = () => findReason(state.reasons, form.reason);
  const showsUnit = () => !!form.reason && needsUnit(state.reasons, form.reason);
  const unitRule = () => (reason() ? reason().unit_rule || null : null);
  const currentOrg = () => orgName(state.membership && state.membership.org);
  // Why `unit` cannot be the 转入单位 for the chosen reason ('' when it can).
  const unavailable = (unit) => unitUnavailable(unit, unitRule(), currentOrg());
  const streets = () => streetsOf(state.regions, form.unit_district);

  // A reason that does not fit the member's status stays disabled; a unit chosen for another
  // reason goes when it does not suit this one.
  function setReason(key) {
    const r = findReason(state.reasons, key);
    if (r && !r.allowed) return;
    form.reason = key || '';
    errors.reason = '';
    if (state.unit && unavailable(state.unit)) setUnit(null);
    if (!showsUnit()) {
      errors.unit_id = '';
      errors.unit_district = '';
      errors.unit_street = '';
    }
  }

  // A unit confirmed in the search: its district and street preselect 转入单位所在地.
  function setUnit(unit) {
    state.unit = unit || null;
    form.unit_id = unit ? unit.id : null;
    errors.unit_id = '';
    if (unit && unit.district && unit.district.code) {
      form.unit_district = unit.district.code;
      form.unit_street = unit.street && unit.street.code ? unit.street.code : '';
      if (!streets().some((s) => s.code === form.unit_street)) form.unit_street = '';
      errors.unit_district = '';
      errors.unit_street = '';
    }
  }

  function setDistrict(code) {
    form.unit_district = code || '';
    if (!streets().some((s) => s.code === form.unit_street)) form.unit_street = '';
    errors.unit_district = '';
  }

  function setStreet(code) {
    form.unit_street = code || '';
    errors.unit_street = '';
  }

  async function save(submit) {
    if (state.busy) return;
    if (!checkTransferForm(form, errors, { submit, reasons: state.reasons })) {
      notify.error(submit ? '请完善标记的必填项后再提交' : '请修改标记的内容');
      return;
    }
    state.busy = submit ? 'submit' : 'save';
    const data = transferData(form, state.reasons);
    try {
      let res;
      if (state.id) {
        res = await worker.updateApplication(state.id, { data, submit, version: state.version });
      } else {
        res = await worker.createApplication({ kind: 'transfer', consent_id: consentId, request_id: requestId.value, data, submit });
        transferConsent.clear();
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
        transferConsent.clear();
        notify.error(err.message);
        if (onConsentMissing) onConsentMissing();
      } else if (err.code === 'conflict') {
        notify.error(err.message || '该申请已在别处修改，请刷新后重试');
        await reload();
      } else if (!applyTransferError(errors, err)) {
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

  return { form, errors, state, requestId, load, reason, showsUnit, unitRule, unavailable, streets, setReason, setUnit, setDistrict, setStreet, save };
}

// The result page after 【提交】 (reference number and `next_steps`).
export function useTransferResult(id) {
  return useJoinResult(id, { fallback: TRANSFER_NEXT_STEPS });
}
