// 单位管理 at 1366×768 (docs/api.md "Back office administration": units): an org admin of 思明区
// (made with `gonghui user add`) chooses a CSV file with one bad line in 【批量导入】, 【预览】
// shows the line's error and 【确定导入】 stays disabled; the fixed file previews clean and is
// imported; the admin finds the new unit with 【搜索】 and 【建会】 it (a confirmation dialog),
// after which the row reads 已建会 with its union. Then 【新增单位】 (a wrong check character is
// caught in the form), 【编辑】, 关联工会 through the organisation picker (tree and 【搜索】) and 取消关联.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { binary, startServer } from '../lib/server.mjs';
import { STAFF_PASSWORD, expectPath, launchBrowser, screenshotPath, staffPage } from './helpers.mjs';

let srv;
let browser;
let dir;

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
function creditCode() {
  const body = '91350203' + 'W' + String(randomInt(0, 1e8)).padStart(8, '0');
  const sum = [...body].reduce((a, c, i) => a + ALPHABET.indexOf(c) * WEIGHTS[i], 0);
  const c = 31 - (sum % 31);
  return body + ALPHABET[c === 31 ? 0 : c];
}

before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  dir = mkdtempSync(join(tmpdir(), 'gonghui-e2e-units-'));
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// An org admin of 思明区 made with `gonghui user add`; returns its phone.
function addAdmin() {
  const phone = `158${String(randomInt(0, 1e8)).padStart(8, '0')}`;
  const add = spawnSync(binary, ['user', 'add', '--role', 'org_admin', '--phone', phone, '--name', '思明管理员', '--org', '350203'], {
    env: srv.env,
    input: `${STAFF_PASSWORD}\n`,
    encoding: 'utf8',
  });
  assert.equal(add.status, 0, add.stderr);
  return phone;
}

// Logged in through the login page, on 单位管理.
async function unitsPage(phone) {
  const { context, page, watch } = await staffPage(browser, srv, phone);
  await page.getByRole('menuitem', { name: '单位管理', exact: true }).click();
  await expectPath(page, '/admin/units');
  return { context, page, watch };
}

// An option of an Element Plus select, opened by a click on its form item.
async function pick(page, scope, label, option) {
  await scope.locator('.el-form-item').filter({ hasText: label }).locator('.el-select').click();
  await page.locator('.el-select-dropdown:visible').getByRole('option', { name: option, exact: true }).click();
}

test('org admin: import with a bad line → fix → import → search → 建会', { timeout: 90000 }, async () => {
  const phone = addAdmin();
  const { context, page, watch } = await unitsPage(phone);
  await page.getByRole('row').nth(1).waitFor(); // the demo units of 思明区

  // A file with a wrong check character on line 3.
  const tag = String(randomInt(1000, 9999));
  const first = `厦门鹭岛导入${tag}科技有限公司`;
  const second = `厦门嘉庚导入${tag}贸易有限公司`;
  const secondCode = creditCode();
  const wrong = secondCode.slice(0, 17) + [...ALPHABET].find((c) => c !== secondCode[17]);
  const header = '单位名称,统一社会信用代码,所在区,所在镇街,地址';
  const bad = join(dir, 'units-bad.csv');
  const good = join(dir, 'units-fixed.csv');
  const line2 = `${first},${creditCode()},思明区,厦港街道,厦港路${tag}号`;
  writeFileSync(bad, `\uFEFF${header}\r\n${line2}\r\n${second},${wrong},350203,350203010,\r\n`);
  writeFileSync(good, `\uFEFF${header}\r\n${line2}\r\n${second},${secondCode},350203,350203010,\r\n`);

  await page.getByRole('button', { name: '批量导入' }).click();
  const dialog = page.getByRole('dialog', { name: '批量导入单位' });
  const choose = async (path) => {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), dialog.getByRole('button', { name: '选择文件' }).click()]);
    await chooser.setFiles(path);
  };
  const importButton = dialog.getByRole('button', { name: '确定导入' });
  await choose(bad);
  await dialog.getByText('units-bad.csv').waitFor();
  assert.equal(await importButton.isDisabled(), true, 'no import before a preview');
  await dialog.getByRole('button', { name: '预览' }).click();
  await dialog.getByText('共 2 行，可导入 1 行，1 处错误').waitFor();
  const errorRow = dialog.locator('[data-test="import-errors"]').getByRole('row').filter({ hasText: '统一社会信用代码' }).filter({ hasText: wrong });
  await errorRow.getByRole('cell', { name: '3', exact: true }).waitFor();
  await errorRow.getByText(/无效（应为18位且校验位正确）/).waitFor();
  assert.equal(await importButton.isDisabled(), true, 'errors: 确定导入 stays disabled');
  await page.screenshot({ path: screenshotPath('admin-units-import-errors.png') });

  // The fixed file: a clean preview, then the import.
  await choose(good);
  await dialog.getByText('units-fixed.csv').waitFor();
  assert.equal(await importButton.isDisabled(), true, 'a new file needs a new preview');
  await dialog.getByRole('button', { name: '预览' }).click();
  await dialog.getByText('共 2 行，可导入 2 行，0 处错误').waitFor();
  await dialog.locator('[data-test="import-rows"]').getByText(second).waitFor();
  assert.equal(await importButton.isDisabled(), false);
  await page.screenshot({ path: screenshotPath('admin-units-import-preview.png') });
  await importButton.click();
  await page.getByText('已导入 2 个单位').waitFor();
  await dialog.waitFor({ state: 'hidden' });

  // 【搜索】 by part of the name finds the new unit, 未建会.
  await page.getByPlaceholder('单位名称或统一社会信用代码').fill(`嘉庚导入${tag}`);
  await page.getByRole('button', { name: '搜索' }).click();
  const row = page.getByRole('row').filter({ hasText: second });
  await row.getByText(secondCode).waitFor();
  await row.getByText('莲前街道').waitFor();
  await row.getByText('未建会').waitFor();
  assert.equal(await page.getByRole('row').count(), 2, 'header and the one unit');

  // 【建会】: the confirmation names the street; the union gets the default name.
  await row.getByRole('button', { name: '建会' }).click();
  const found = page.getByRole('dialog', { name: '建会' });
  await found.getByText('莲前街道').first().waitFor();
  assert.equal(await found.getByRole('textbox').inputValue(), `${second}工会`);
  await found.getByRole('button', { name: '确定建会' }).click();
  await page.getByText(`${second} 已建会：${second}工会`).waitFor();
  await row.getByText('已建会').waitFor();
  await row.getByText(`${second}工会`).waitFor();
  assert.equal(await row.getByRole('button', { name: '建会' }).count(), 0, 'no 建会 once it has a union');
  await page.screenshot({ path: screenshotPath('admin-units-founded.png') });

  watch.assertClean();
  await context.close();
});

test('org admin: 新增单位 (a wrong code is caught), 编辑, 关联工会 and 取消关联', { timeout: 90000 }, async () => {
  const { context, page, watch } = await unitsPage(addAdmin());
  const tag = String(randomInt(1000, 9999));
  const name = `厦门筼筜新增${tag}物流有限公司`;
  const code = creditCode();

  await page.getByRole('button', { name: '新增单位' }).click();
  const form = page.getByRole('dialog', { name: '新增单位' });
  await form.getByPlaceholder('营业执照上的单位全称').fill(name);
  await form.getByPlaceholder('18位统一社会信用代码').fill(code.slice(0, 17) + [...ALPHABET].find((c) => c !== code[17]));
  await pick(page, form, '所在区', '思明区');
  await pick(page, form, '所在镇街', '筼筜街道');
  await form.getByRole('button', { name: '确定' }).click();
  await form.getByText('统一社会信用代码校验位不正确，请核对').waitFor();
  await form.getByPlaceholder('18位统一社会信用代码').fill(code.toLowerCase());
  await form.getByRole('button', { name: '确定' }).click();
  await page.getByText(`已新增 ${name}`).waitFor();
  await form.waitFor({ state: 'hidden' });

  await page.getByPlaceholder('单位名称或统一社会信用代码').fill(code.slice(-6).toLowerCase());
  await page.getByRole('button', { name: '搜索' }).click();
  let row = page.getByRole('row').filter({ hasText: code });
  await row.getByText(name).waitFor();

  // 编辑: a new name; the credit code cannot be changed.
  const renamed = `厦门筼筜改名${tag}物流有限公司`;
  await row.getByRole('button', { name: '编辑' }).click();
  const edit = page.getByRole('dialog', { name: '编辑单位' });
  assert.equal(await edit.getByPlaceholder('18位统一社会信用代码').isDisabled(), true);
  await edit.getByPlaceholder('营业执照上的单位全称').fill(renamed);
  await edit.getByRole('button', { name: '确定' }).click();
  await page.getByText(`已保存 ${renamed}`).waitFor();
  row = page.getByRole('row').filter({ hasText: code });
  await row.getByText(renamed).waitFor();

  // 关联工会: a grassroots union of the demo data below 思明区, picked from the tree.
  await row.getByRole('button', { name: '关联工会' }).click();
  const link = page.getByRole('dialog', { name: '关联工会' });
  await link.getByRole('button', { name: '选择' }).click();
  const picker = page.getByRole('dialog', { name: '选择基层工会' });
  // The admin's own organisation opens by itself; open its streets until a union shows.
  const ofKind = (label) => picker.locator('.el-tree-node__content').filter({ has: page.getByText(label, { exact: true }) });
  const street = ofKind('镇街（园区、联合）工会');
  const union = ofKind('基层工会').first();
  await street.first().waitFor();
  for (let i = 0; !(await union.count()); i++) {
    await street.nth(i).locator('.ot-node__name').click();
    await page.waitForTimeout(300);
  }
  const unionName = await union.locator('.ot-node__name').innerText();
  await union.locator('.ot-node__name').click();
  await picker.getByText(`已选：${unionName}`).waitFor();
  await picker.getByRole('button', { name: '确定' }).click();
  await link.getByRole('button', { name: '确定' }).click();
  await page.getByText(`${renamed} 已关联 ${unionName}`).waitFor();
  await row.getByText('已建会').waitFor();
  await row.getByText(unionName).waitFor();

  // 取消关联 (no member came through this unit): back to 未建会.
  await row.getByRole('button', { name: '关联工会' }).click();
  await link.getByRole('button', { name: '取消关联' }).click();
  await page.getByRole('dialog').filter({ hasText: '确定取消' }).getByRole('button', { name: '取消关联' }).click();
  await page.getByText(`${renamed} 已取消关联工会`).waitFor();
  await row.getByText('未建会').waitFor();
  await link.waitFor({ state: 'hidden' });
  await page.screenshot({ path: screenshotPath('admin-units-edit.png') });

  // 关联工会 again, the union found by a part of its name (【搜索】 above the tree).
  await row.getByRole('button', { name: '关联工会' }).click();
  await link.getByRole('button', { name: '选择' }).click();
  await picker.getByPlaceholder('输入基层工会名称中的字词').fill(unionName.slice(1));
  await picker.getByRole('button', { name: '搜索' }).click();
  const hit = picker.getByRole('listitem').filter({ hasText: unionName }).first();
  await hit.waitFor();
  await page.screenshot({ path: screenshotPath('admin-units-org-search.png') });
  await hit.click();
  await picker.getByText(`已选：${unionName}`).waitFor();
  await picker.getByRole('button', { name: '确定' }).click();
  await link.getByRole('button', { name: '确定' }).click();
  await page.getByText(`${renamed} 已关联 ${unionName}`).waitFor();
  await row.getByText(unionName).waitFor();

  watch.assertClean();
  await context.close();
});
