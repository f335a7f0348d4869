// The browser-independent rules of 会籍变更 in web/shared/transfer-form.js: the form's checks,
// the `data` sent, server errors on their fields, which 转入单位 can be picked, detail rows and
// the membership history. No server or browser needed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../web/shared/api.js';
import { formPath } from '../../web/shared/applications.js';
import {
  applyTransferError,
  checkTransferForm,
  emptyTransferErrors,
  emptyTransferForm,
  memberStatusTone,
  membershipEvents,
  orgName,
  transferData,
  transferDataRows,
  transferFormFrom,
  unitUnavailable,
} from '../../web/shared/transfer-form.js';

// As GET /transfer/eligibility lists them for a retired member (abridged).
const REASONS = [
  { key: 'labor_change', label: '劳动（工作）关系发生变化', allowed: true, why: null, needs_unit: true, unit_rule: 'with_union' },
  { key: 'laid_off', label: '在本单位下岗后待岗', allowed: false, why: '该变更原因只适用于在职会员', needs_unit: false, unit_rule: null },
  { key: 'no_union_unit', label: '转入单位未建会', allowed: true, why: null, needs_unit: true, unit_rule: 'without_union' },
  { key: 'withdraw', label: '个人要求退会', allowed: true, why: null, needs_unit: false, unit_rule: null },
];

test('transfer form: 暂存 checks formats only, 提交 the reason and, for the reasons that need one, the unit and its place', () => {
  const form = emptyTransferForm();
  const errors = emptyTransferErrors();
  assert.equal(checkTransferForm(form, errors, { submit: false, reasons: REASONS }), true, 'an empty draft may be saved');
  assert.equal(checkTransferForm(form, errors, { submit: true, reasons: REASONS }), false);
  assert.equal(errors.reason, '请选择变更原因');
  assert.equal(errors.unit_id, '', 'no unit asked before a reason');

  form.reason = 'labor_change';
  assert.equal(checkTransferForm(form, errors, { submit: true, reasons: REASONS }), false);
  assert.deepEqual(errors, { reason: '', unit_id: '请搜索并选择转入单位', unit_district: '请选择转入单位所在区', unit_street: '请选择转入单位所在镇街' });
  Object.assign(form, { unit_id: 2, unit_district: '350203', unit_street: '350203011' });
  assert.equal(checkTransferForm(form, errors, { submit: true, reasons: REASONS }), true);
  assert.deepEqual(transferData(form, REASONS), { reason: 'labor_change', unit_id: 2, unit_district: '350203', unit_street: '350203011' });

  // A reason without 转入单位 sends the reason only, even with unit fields left in the form.
  form.reason = 'withdraw';
  assert.equal(checkTransferForm(form, errors, { submit: true, reasons: REASONS }), true);
  assert.deepEqual(transferData(form, REASONS), { reason: 'withdraw' });
  assert.deepEqual(transferData(emptyTransferForm(), REASONS), {});

  // A reason that does not fit the status is refused with the server's own words.
  form.reason = 'laid_off';
  assert.equal(checkTransferForm(form, errors, { submit: false, reasons: REASONS }), false);
  assert.equal(errors.reason, '该变更原因只适用于在职会员');

  assert.deepEqual(transferFormFrom({ reason: 'no_union_unit', unit_id: 9, unit_street: null }), { ...emptyTransferForm(), reason: 'no_union_unit', unit_id: 9 });
  assert.equal(formPath({ kind: 'transfer', id: 5 }), '/transfer/form/5');
});

test('transfer form: server errors land on their fields (422 incomplete, 400 data.reason / data.unit_id)', () => {
  const errors = emptyTransferErrors();
  const incomplete = new ApiError(422, { code: 'incomplete', message: '请填写：转入单位、转入单位所在区', fields: ['unit_id', 'unit_district'] });
  assert.equal(applyTransferError(errors, incomplete), true);
  assert.equal(errors.unit_id, '请搜索并选择转入单位');
  assert.equal(errors.unit_district, '请选择转入单位所在区');
  assert.equal(applyTransferError(errors, new ApiError(400, { code: 'invalid_field', field: 'data.unit_id', message: '转入单位与当前所在工会相同' })), true);
  assert.equal(errors.unit_id, '转入单位与当前所在工会相同');
  assert.equal(applyTransferError(errors, new ApiError(409, { code: 'not_eligible', message: '已有一份会籍变更申请' })), false);
});

test('转入单位: with_union wants a union other than the current one, without_union none', () => {
  const bank = { name: '银行', has_union: true, union: { code: 'U1', name: '银行工会' } };
  const airline = { name: '航空', has_union: true, union: { code: 'U2', name: '航空工会' } };
  const port = { name: '港务', has_union: false, union: null };
  assert.equal(unitUnavailable(airline, 'with_union', '银行工会'), '');
  assert.match(unitUnavailable(port, 'with_union', '银行工会'), /未建会.*转入单位未建会/);
  assert.match(unitUnavailable(bank, 'with_union', '银行工会'), /当前所在的工会/);
  assert.equal(unitUnavailable(port, 'without_union', '银行工会'), '');
  assert.match(unitUnavailable(airline, 'without_union', '银行工会'), /已建会.*劳动（工作）关系发生变化/);
  assert.equal(unitUnavailable(port, null, ''), '', 'no rule, no restriction');
});

test('detail rows, status colours and the membership history', () => {
  const rows = transferDataRows({
    data: { reason: 'labor_change', unit_id: 2, unit_district: '350203', unit_street: '350203011' },
    display: {
      reason_label: '劳动（工作）关系发生变化',
      unit: { name: '厦门航空有限公司', credit_code: '91350203XUB5WAD9J0', union: { name: '厦门航空有限公司工会' } },
      unit_district_name: '思明区',
      unit_street_name: '嘉莲街道',
    },
  });
  assert.deepEqual(rows.map((r) => [r.label, r.value]), [
    ['变更原因', '劳动（工作）关系发生变化'],
    ['转入单位', '厦门航空有限公司'],
    ['统一社会信用代码', '91350203XUB5WAD9J0'],
    ['转入单位工会', '厦门航空有限公司工会'],
    ['转入单位所在地', '思明区 嘉莲街道'],
  ]);
  assert.deepEqual(transferDataRows({ data: { reason: 'retired' }, display: { reason_label: '退休', unit: null } }).map((r) => r.value), ['退休']);

  assert.equal(memberStatusTone('active'), 'success');
  assert.equal(memberStatusTone('retained_retired'), 'warning');
  assert.equal(memberStatusTone('expelled'), 'danger');
  assert.equal(orgName('银行工会'), '银行工会');
  assert.equal(orgName({ id: 1, name: '银行工会' }), '银行工会');
  assert.equal(orgName(null), '');

  const events = membershipEvents({
    events: [
      { at: '2026-11-29T06:54:36Z', status: 'active', status_label: '会员', org: '银行工会', application_ref: 'RH1', note: '入会' },
      { at: '2026-11-30T01:00:00Z', status: 'retained_retired', status_label: '保留会籍（退休）', org: '银行工会', application_ref: 'HJ2', note: '退休' },
    ],
  });
  assert.deepEqual(events.map((e) => [e.statusLabel, e.org, e.note, e.ref]), [['会员', '银行工会', '入会', 'RH1'], ['保留会籍（退休）', '银行工会', '退休', 'HJ2']]);
  assert.match(events[0].date, /^\d{4}-\d\d-\d\d$/);
  assert.deepEqual(membershipEvents(null), []);
});
