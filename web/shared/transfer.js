// 会籍变更's form for the PC site and the H5 site, on the application engine's form (join.js,
// kind "transfer"): the nine reasons and the current membership from GET
// /transfer/eligibility; a reason that does not fit the status stays disabled with the
// server's `why`; 转入单位 and 转入单位所在地 only for the reasons that need them, and a unit
// chosen for another reason goes when it does not suit the new one.
import { useApplicationForm } from './join.js';
import { worker } from './worker.js';
import {
  applyTransferError,
  checkTransferForm,
  emptyTransferErrors,
  emptyTransferForm,
  findReason,
  needsUnit,
  orgName,
  transferData,
  transferFormFrom,
  unitUnavailable,
} from './transfer-form.js';

const TRANSFER_RULES = {
  empty: emptyTransferForm,
  errors: emptyTransferErrors,
  from: transferFormFrom,
  check: (form, errors, submit, state) => checkTransferForm(form, errors, { submit, reasons: state.reasons }),
  data: (form, state) => transferData(form, state.reasons),
  applyError: applyTransferError,
  place: ['unit_district', 'unit_street'],
};

const RULE_HINTS = {
  with_union: '请选择已建会的新工作单位；新单位未建会的，请选择变更原因“转入单位未建会”。',
  without_union: '请选择未建会的新工作单位；新单位已建会的，请选择变更原因“劳动（工作）关系发生变化”。',
};

export function useTransferForm(options) {
  const flow = useApplicationForm({
    ...options,
    kind: 'transfer',
    rules: TRANSFER_RULES,
    state: { reasons: [], membership: null },
    async prepare(state) {
      const elig = await worker.eligibility('transfer');
      state.reasons = Array.isArray(elig.reasons) ? elig.reasons : [];
      state.membership = elig.membership || null;
    },
  });
  const { form, errors, state } = flow;

  const reason = () => findReason(state.reasons, form.reason);
  const showsUnit = () => !!form.reason && needsUnit(state.reasons, form.reason);
  const unitRule = () => (reason() ? reason().unit_rule || null : null);
  const currentOrg = () => orgName(state.membership && state.membership.org);
  // What the search of 转入单位 is for, under the reason's unit rule.
  const ruleHint = () => RULE_HINTS[unitRule()] || '';
  // Why `unit` cannot be the 转入单位 for the chosen reason ('' when it can).
  const unavailable = (unit) => unitUnavailable(unit, unitRule(), currentOrg());

  function setReason(key) {
    const r = findReason(state.reasons, key);
    if (r && !r.allowed) return;
    form.reason = key || '';
    errors.reason = '';
    if (state.unit && unavailable(state.unit)) flow.setUnit(null);
    if (!showsUnit()) {
      errors.unit_id = '';
      errors.unit_district = '';
      errors.unit_street = '';
    }
  }

  return { ...flow, reason, showsUnit, unitRule, ruleHint, unavailable, setReason };
}
