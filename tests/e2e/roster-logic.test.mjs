// The browser-independent rules of 信息核实与登记 in web/shared/verification-form.js and the
// kinds table in web/shared/kinds.js: the 信息变更 and 信息登记 forms' checks, the `data` sent,
// server errors on their fields, the detail rows of the new kinds, the roster import report.
// No server or browser needed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../web/shared/api.js';
import { formPath } from '../../web/shared/applications.js';
import { applicationRows, crumbs, kindInfo, stepTitles } from '../../web/shared/kinds.js';
import {
  applyRecordError,
  checkJoinDate,
  checkRecordForm,
  emptyRecordErrors,
  emptyRecordForm,
  openLine,
  recordData,
  recordFormFrom,
  recordRows,
  rosterReport,
  verificationState,
} from '../../web/shared/verification-form.js';

const LATEST = '2026-11-29';

test('信息变更: 暂存 checks formats only; 提交 wants an item, the chosen items and a 情况说明 of 5–200 characters', () => {
  const form = emptyRecordForm();
  const errors = emptyRecordErrors();
  assert.equal(checkRecordForm('correction', form, errors, { submit: false, latest: LATEST }), true, 'an empty draft may be saved');
  assert.equal(checkRecordForm('correction', form, errors, { submit: true, latest: LATEST }), false);
  assert.equal(errors.items, '请选择需要变更的项目');
  assert.match(errors.explanation, /情况说明/);

  form.items = ['joined_on'];
  form.explanation = '太短';
  checkRecordForm('correction', form, errors, { submit: true, latest: LATEST });
  assert.equal(errors.items, '');
  assert.equal(errors.joined_on, '请填写入会日期');
  assert.match(errors.explanation, /5～200/);
  assert.equal(errors.district_code, '', 'no place asked unless 所属工会 is chosen');

  form.joined_on = '2030-01-01';
  form.explanation = '入会日期登记有误，应为2016年';
  checkRecordForm('correction', form, errors, { submit: true, latest: LATEST });
  assert.equal(errors.joined_on, '入会日期不能晚于今天');
  form.joined_on = '2016-02-30';
  checkRecordForm('correction', form, errors, { submit: true, latest: LATEST });
  assert.equal(errors.joined_on, '请选择正确的入会日期');
  form.joined_on = '2016-05-20';
  assert.equal(checkRecordForm('correction', form, errors, { submit: true, latest: LATEST }), true);

  form.items = ['org', 'member_no'];
  form.member_no = 'GH 01';
  checkRecordForm('correction', form, errors, { submit: true, latest: LATEST });
  assert.equal(errors.district_code, '请选择单位所在区');
  assert.equal(errors.street_code, '请选择单位所在镇街');
  assert.match(errors.member_no, /字母、数字或连字符/);
  assert.equal(errors.unit_id, '', 'the unit itself is optional (无固定工作单位)');
});

test('信息变更: only the chosen items travel; the unit as unit_id or unit_name', () => {
  const form = { ...emptyRecordForm(), items: ['member_no', 'org'], unit_id: 7, unit_name: '旧名', district_code: '350203', street_code: '350203001', joined_on: '2016-05-20', member_no: ' GH-01 ', explanation: ' 会员编号和单位都变了 ' };
  assert.deepEqual(recordData('correction', form), {
    items: ['org', 'member_no'],
    unit_id: 7,
    district_code: '350203',
    street_code: '350203001',
    member_no: 'GH-01',
    explanation: '会员编号和单位都变了',
  });
  form.unit_mode = 'name';
  assert.equal(recordData('correction', form).unit_name, '旧名');
  assert.equal('unit_id' in recordData('correction', form), false);
});

test('信息登记: 区, 镇街 and 入会日期 required; 会员编号 and 情况说明 optional; all fields travel', () => {
  const form = emptyRecordForm();
  const errors = emptyRecordErrors();
  assert.equal(checkRecordForm('registration', form, errors, { submit: true, latest: LATEST }), false);
  assert.deepEqual(
    Object.fromEntries(Object.entries(errors).filter(([, m]) => m)),
    { district_code: '请选择单位所在区', street_code: '请选择单位所在镇街', joined_on: '请填写入会日期' },
  );
  Object.assign(form, { unit_mode: 'name', unit_name: '厦门鹭岛小吃店', district_code: '350203', street_code: '350203001', joined_on: '2018-04-01' });
  assert.equal(checkRecordForm('registration', form, errors, { submit: true, latest: LATEST }), true);
  assert.deepEqual(recordData('registration', form), { unit_name: '厦门鹭岛小吃店', district_code: '350203', street_code: '350203001', joined_on: '2018-04-01' });
});

test('saved data back into the form, server errors on their fields', () => {
  const form = recordFormFrom({ items: ['org'], unit_name: '某店', district_code: '350203', street_code: '350203001', explanation: '说明文字' });
  assert.deepEqual(form.items, ['org']);
  assert.equal(form.unit_mode, 'name');
  assert.equal(recordFormFrom({ unit_id: 3 }).unit_mode, 'search');

  const errors = emptyRecordErrors();
  assert.equal(applyRecordError(errors, new ApiError(400, { code: 'invalid_field', field: 'data.unit_name', message: '单位名称不超过100个字' })), true);
  assert.equal(errors.unit_id, '单位名称不超过100个字');
  assert.equal(applyRecordError(errors, new ApiError(422, { code: 'incomplete', message: '请填写：入会日期', fields: ['data.joined_on'] })), true);
  assert.equal(errors.joined_on, '请填写入会日期');
  assert.equal(applyRecordError(emptyRecordErrors(), new ApiError(409, { code: 'conflict', message: '…' })), false);
  assert.equal(checkJoinDate('2016-05-20', LATEST), '');
});

test('detail rows of the new kinds: 原 beside 变更后, the typed unit, the roster entry of a claim', () => {
  const correction = applicationRows({
    kind: 'correction',
    data: { items: ['joined_on'], joined_on: '2016-05-20', explanation: '入会日期有误' },
    display: { item_labels: ['入会日期'], current: { org: '某工会', joined_on: '2015-03-01', member_no: 'XM201500000001' } },
  });
  assert.deepEqual(
    correction.map((r) => [r.label, r.value]),
    [['变更项目', '入会日期'], ['情况说明', '入会日期有误'], ['原入会日期', '2015-03-01'], ['变更后入会日期', '2016-05-20']],
  );
  const registration = applicationRows({
    kind: 'registration',
    data: { unit_name: '厦门鹭岛小吃店', joined_on: '2018-04-01' },
    display: { unit: null, district_name: '思明区', street_name: '厦港街道', org_after: { id: 9, name: '厦港街道总工会' } },
  });
  const reg = Object.fromEntries(registration.map((r) => [r.label, r.value]));
  assert.equal(reg['工作单位'], '厦门鹭岛小吃店');
  assert.equal(reg['单位所在地'], '思明区 厦港街道');
  assert.equal(reg['登记所属工会'], '厦港街道总工会');
  assert.equal(reg['情况说明'], '—');
  const claim = applicationRows({ kind: 'claim', data: { entry_id: 4 }, display: { roster: { org: { id: 2, name: '某工会' }, name: '张三', phone_masked: '139****0000', joined_on: '2015-03-01', member_no: '' } } });
  assert.deepEqual(claim.map((r) => r.value), ['某工会', '张三', '139****0000', '2015-03-01', '—']);
});

test('kinds: paths, steps, breadcrumbs, states, the import report', () => {
  assert.equal(formPath({ kind: 'correction', id: 3 }), '/correction/form/3');
  assert.equal(formPath({ kind: 'registration', id: 4 }), '/registration/form/4');
  assert.equal(formPath({ kind: 'claim', id: 5 }), null, 'a claim has no form');
  assert.deepEqual(stepTitles('join'), ['条件检查', '阅读入会申请书', '填写申请信息', '提交完成']);
  assert.deepEqual(stepTitles('transfer', { h5: true }), ['条件检查', '变更提醒', '填写信息', '提交']);
  assert.deepEqual(crumbs('correction', '提交结果'), [
    { label: '信息核实与登记', to: '/verification' },
    { label: '信息变更申请', to: '/correction' },
    { label: '提交结果' },
  ]);
  assert.equal(kindInfo('claim').review.path, '/claim-review');
  assert.equal(verificationState('unverified').tag, '待核实');
  assert.equal(verificationState('something new').title, verificationState('none').title);
  assert.deepEqual(
    recordRows({ name: '张三', id_masked: '3502**********123X', org: { id: 1, name: '某工会' }, joined_on: '2015-03-01', member_no: '', status_label: '会员' }).map((r) => r.value),
    ['张三', '3502**********123X', '某工会', '2015-03-01', '—', '会员'],
  );
  const r = rosterReport({ rows: '2', valid: 1, errors: [{ line: 3, field: 'id_number', message: '…' }] });
  assert.equal(r.rows, 2);
  assert.equal(r.errors.length, 1);
  assert.equal(r.errorCount, 1, 'counted from the list when error_count is missing');
  assert.deepEqual(r.flagged, []);
  assert.equal(rosterReport({ errors: [], error_count: 700, claims: 2 }).errorCount, 700);
  assert.equal(rosterReport({ claims: 2 }).claims, 2);
  assert.equal(openLine({ id: 1, ref: 'XB1', kind: 'correction', status: 'submitted' }, kindInfo('correction').noun), '您有一件信息变更申请（XB1，已递交）正在办理，可在“我的办事”中查看。');
  assert.equal(openLine(null, ''), '');
});
