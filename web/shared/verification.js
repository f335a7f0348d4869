// 信息核实与登记 for the PC site and the H5 site: the page that shows the member record the
// union imported (GET /verification) with 【确认无误】 and the open claim, registration or
// correction (`open`), and the 信息变更 (`correction`) and
// 信息登记 (`registration`) forms on the application engine's form (join.js).
import { computed, onMounted, reactive } from 'vue';
import { loadInto, useApplicationForm } from './join.js';
import { kindInfo } from './kinds.js';
import { useFormPage } from './steps.js';
import { worker } from './worker.js';
import {
  applyRecordError,
  checkRecordForm,
  emptyRecordErrors,
  emptyRecordForm,
  openLine,
  recordData,
  recordFormFrom,
  recordRows,
  verificationState,
} from './verification-form.js';

export function useVerification({ notify }) {
  const state = reactive({ loading: true, error: '', state: '', record: null, canRegister: false, open: null, busy: false });

  const load = () =>
    loadInto(state, async () => {
      const res = await worker.verification();
      state.state = res.state || 'none';
      state.record = res.record || null;
      state.canRegister = !!res.can_register;
      state.open = res.open_application || null;
    });

  // 【确认无误】: the record is right as it stands.
  async function confirm() {
    if (state.busy) return false;
    state.busy = true;
    const ok = await worker.confirmVerification().then(
      () => true,
      (err) => {
        notify.error(err.message);
        return false;
      },
    );
    if (ok) notify.success('已确认会员信息无误，感谢您的核实');
    await load();
    state.busy = false;
    return ok;
  }

  return { state, load, confirm };
}

function recordRules(kind) {
  return {
    empty: emptyRecordForm,
    errors: emptyRecordErrors,
    from: recordFormFrom,
    check: (form, errors, submit) => checkRecordForm(kind, form, errors, { submit }),
    data: (form) => recordData(kind, form),
    applyError: applyRecordError,
    place: ['district_code', 'street_code'],
  };
}

// `kind`: "correction" (the member's record beside the items to change) or "registration".
export function useRecordForm({ kind, ...options }) {
  const flow = useApplicationForm({
    ...options,
    kind,
    rules: recordRules(kind),
    state: { record: null },
    async prepare(state) {
      if (kind !== 'correction') return;
      const res = await worker.verification().catch(() => null);
      state.record = (res && res.record) || null;
    },
  });
  const { form, errors } = flow;

  // Whether the form asks for an item (信息登记: all of them).
  const asks = (item) => kind !== 'correction' || form.items.includes(item);

  function setItems(items) {
    form.items = Array.isArray(items) ? items : [];
    errors.items = '';
  }

  function setUnitMode(mode) {
    form.unit_mode = mode === 'name' ? 'name' : 'search';
    errors.unit_id = '';
  }

  return { ...flow, asks, setItems, setUnitMode };
}

// The 信息核实与登记 page of either site: the state's words, the record's rows, the line about
// an open application (`h5`: the H5 status labels) and 【确认无误】 after the site's `confirm`.
export function useVerificationPage({ notify, confirm, h5 = false }) {
  const v = reactive(useVerification({ notify }));
  onMounted(v.load);

  async function confirmRecord() {
    if (await confirm({ title: '确认无误', message: '确认以上会员信息准确无误？', action: '确认无误', type: 'success' })) await v.confirm();
  }

  return {
    v,
    text: computed(() => verificationState(v.state.state)),
    rows: computed(() => recordRows(v.state.record)),
    openText: computed(() => (v.state.open ? openLine(v.state.open, kindInfo(v.state.open.kind).noun, { h5 }) : '')),
    confirmRecord,
  };
}

// The 信息变更 or 信息登记 form page of either site (the kind from the route).
export function useRecordPage(kind, notify) {
  return { info: kindInfo(kind), correction: kind === 'correction', ...useFormPage(useRecordForm, kind, notify, { kind }) };
}
