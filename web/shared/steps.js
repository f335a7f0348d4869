// The page scripts of an application's steps on both sites (components/steps/* and the forms):
// each page's state, lookups and first load, so a PC page and its H5 twin differ only in the
// markup of their UI library.
import { computed, onMounted, reactive, ref, watch } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { useAgreement, useEligibility, useResult } from './join.js';
import { formRoutes, kindInfo } from './kinds.js';
import { session } from './worker.js';

export function useCheckPage(kind) {
  const elig = reactive(useEligibility(kind));
  onMounted(elig.load);
  return {
    info: kindInfo(kind),
    elig,
    m: computed(() => elig.state.membership),
    open: computed(() => elig.state.open),
  };
}

// 【同意】 leads to the kind's new form.
export function useAgreementPage(kind, notify) {
  const router = useRouter();
  const agreement = reactive(useAgreement({ notify, kind, onAgreed: () => router.push(`/${kind}/form`) }));
  onMounted(agreement.load);
  return { info: kindInfo(kind), agreement };
}

export function useResultPage(kind, id) {
  const result = reactive(useResult(kind, id));
  onMounted(result.load);
  return { info: kindInfo(kind), result, app: computed(() => result.state.app) };
}

// A form page: `useForm` is the kind's form (useJoinForm, useTransferForm, useRecordForm),
// given `extra` options; the route's id is a saved application, none a new one.
export function useFormPage(useForm, kind, notify, extra = {}) {
  const route = useRoute();
  const router = useRouter();
  const flow = reactive(useForm({ notify, id: route.params.id || null, ...formRoutes(kind, route, router), ...extra }));
  onMounted(flow.load);
  return {
    flow,
    form: flow.form,
    errors: flow.errors,
    state: flow.state,
    user: computed(() => session.state.person || {}),
  };
}

// The keyword box of a unit field: a saved or picked unit shows its name; `ready()` is false
// (and `invalid` emitted with `emptyMessage`) while it is empty; `picked(unit)` passes a unit
// chosen in the search on.
export function useUnitKeyword(props, emit, emptyMessage) {
  const keyword = ref('');
  watch(
    () => props.unit,
    (unit) => {
      if (unit) keyword.value = unit.name;
    },
    { immediate: true },
  );

  function ready() {
    const ok = !!keyword.value.trim();
    emit('invalid', ok ? '' : emptyMessage);
    return ok;
  }

  function picked(unit) {
    keyword.value = unit.name;
    emit('picked', unit);
  }

  return { keyword, ready, picked };
}
