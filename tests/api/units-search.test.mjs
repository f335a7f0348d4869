// Unit import and keyword search (SPEC §2): every query length, Chinese and ASCII, ranking
// exact → prefix → substring → credit code, shorter names first, pagination, the 1000+ cap.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, binary } from '../lib/server.mjs';
import { registerWorker, Client } from '../lib/client.mjs';

let srv, worker;

// Valid GB 32100 codes for the test units.
const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
function creditCode(n) {
  let body = '91350203' + String(n).padStart(9, '0');
  const sum = [...body].reduce((a, c, i) => a + alphabet.indexOf(c) * weights[i], 0);
  const c = 31 - (sum % 31);
  return body + alphabet[c === 31 ? 0 : c];
}

const names = [
  '中国建设银行股份有限公司厦门分行',
  '建设',
  '建设集团有限公司',
  '建设银行',
  '厦门建设工程有限公司',
  '厦门市政建设开发有限公司',
  'ABC科技有限公司',
  '厦门abc贸易有限公司',
  '鹭江物流有限公司',
];

function importCsv(rows) {
  const path = join(srv.dataDir, `units-${Date.now()}.csv`);
  writeFileSync(path, 'name,credit_code,district_code,street_code,address,has_union,union_name\n' + rows.join('\n') + '\n');
  return spawnSync(binary, ['units', 'import', path], { env: srv.env, encoding: 'utf8' });
}

before(async () => {
  srv = await startServer({ env: { GONGHUI_DEMO_UNITS: '0' } });
  const rows = names.map((n, i) => `${n},${creditCode(1000 + i)},350203,350203001,厦门市思明区测试路${i}号,${i % 2 ? '是' : '否'},`);
  const r = importCsv(rows);
  assert.equal(r.status, 0, r.stderr);
  worker = (await registerWorker(srv)).client;
});

after(async () => { await srv.stop(); });

const search = async (q, extra = '') => {
  const r = await worker.get(`/api/v1/units?q=${encodeURIComponent(q)}${extra}`);
  assert.equal(r.status, 200, r.text);
  return r.body;
};
const namesOf = (b) => b.items.map((u) => u.name);

test('两个字: 建设 finds the bank, ranked exact, prefix, substring, shorter first', async () => {
  const b = await search('建设');
  assert.ok(namesOf(b).includes('中国建设银行股份有限公司厦门分行'));
  assert.deepEqual(namesOf(b), [
    '建设', '建设银行', '建设集团有限公司',
    '厦门建设工程有限公司', '厦门市政建设开发有限公司', '中国建设银行股份有限公司厦门分行',
  ]);
  assert.equal(b.total, 6);
  assert.equal(b.total_capped, false);
});

test('one character', async () => {
  const b = await search('建');
  assert.equal(b.total, 6);
  assert.equal(namesOf(b)[0], '建设');
  const w = await search('鹭');
  assert.deepEqual(namesOf(w), ['鹭江物流有限公司']);
});

test('three and five characters', async () => {
  assert.deepEqual(namesOf(await search('建设银')), ['建设银行', '中国建设银行股份有限公司厦门分行']);
  assert.deepEqual(namesOf(await search('建设银行股')), ['中国建设银行股份有限公司厦门分行']);
  assert.deepEqual(namesOf(await search('银行股份有限')), ['中国建设银行股份有限公司厦门分行']);
  assert.equal((await search('建设银行股票')).total, 0);
});

test('mixed Chinese and ASCII, case-insensitive', async () => {
  assert.deepEqual(namesOf(await search('ABC科技')), ['ABC科技有限公司']);
  assert.deepEqual(namesOf(await search('abc科')), ['ABC科技有限公司']);
  assert.deepEqual(namesOf(await search('abc')), ['ABC科技有限公司', '厦门abc贸易有限公司']);
  assert.deepEqual(namesOf(await search('c贸')), ['厦门abc贸易有限公司']);
});

test('credit code: any part of 4 characters and up', async () => {
  const code = creditCode(1008);
  assert.deepEqual(namesOf(await search(code)), ['鹭江物流有限公司']);
  assert.deepEqual(namesOf(await search(code.slice(12, 17).toLowerCase())), ['鹭江物流有限公司']);
  const b = await search(code.slice(-4));
  assert.ok(namesOf(b).includes('鹭江物流有限公司'));
  const u = b.items.find((x) => x.name === '鹭江物流有限公司');
  assert.equal(u.district.name, '思明区');
  assert.equal(u.street.code, '350203001');
  assert.equal(u.has_union, false);
});

test('pagination', async () => {
  const p1 = await search('建设', '&page=1&page_size=4');
  const p2 = await search('建设', '&page=2&page_size=4');
  assert.equal(p1.items.length, 4);
  assert.equal(p2.items.length, 2);
  assert.equal(p1.total, 6);
  assert.deepEqual([...namesOf(p1), ...namesOf(p2)], namesOf(await search('建设')));
});

test('bad queries are refused with a field error', async () => {
  for (const q of ['', '   ', 'x'.repeat(51), '\u0001abc']) {
    const r = await worker.get(`/api/v1/units?q=${encodeURIComponent(q)}`);
    assert.equal(r.status, 400);
    assert.equal(r.body.error.field, 'q');
  }
  for (const extra of ['&page=0', '&page=abc', '&page_size=51', '&page_size=-1']) {
    const r = await worker.get(`/api/v1/units?q=建设${extra}`);
    assert.equal(r.status, 400, extra);
  }
  const anon = await new Client(srv.url).get('/api/v1/units?q=建设');
  assert.equal(anon.status, 401);
});

test('import: line-numbered errors and nothing half imported', async () => {
  const rows = [
    `新单位甲,${creditCode(2001)},350203,350203001,地址,否,`,
    `新单位乙,91350203000000200X,350203,350203001,地址,否,`,
    `新单位丙,${creditCode(2001)},350203,350203001,地址,否,`,
    `新单位丁,${creditCode(2002)},350203,350211102,地址,否,`,
    `新单位戊,${creditCode(1000)},350203,350203001,地址,否,`,
  ];
  const r = importCsv(rows);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /第3行：统一社会信用代码 .* 无效/);
  assert.match(r.stderr, /第4行：.*在文件中重复/);
  assert.match(r.stderr, /第5行：镇街代码 350211102 不属于 思明区/);
  assert.match(r.stderr, /第6行：.*已存在/);
  assert.equal((await search('新单位')).total, 0);
  const ok = importCsv([`新单位甲,${creditCode(2001)},350203,350203001,地址,是,新单位甲工会`]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal((await search('新单位')).total, 1);
  assert.equal((await search('新单位')).items[0].has_union, true);
});

test('a very common term is capped at 1000+', async () => {
  const gen = spawnSync(binary, ['units', 'generate', '1100', '7'], { env: srv.env, encoding: 'utf8', maxBuffer: 1 << 24 });
  assert.equal(gen.status, 0, gen.stderr);
  const path = join(srv.dataDir, 'generated.csv');
  writeFileSync(path, gen.stdout);
  const imp = spawnSync(binary, ['units', 'import', path], { env: srv.env, encoding: 'utf8' });
  assert.equal(imp.status, 0, imp.stderr);
  const b = await search('厦门');
  assert.equal(b.total_capped, true);
  assert.equal(b.total_text, '1000+');
  assert.equal(b.items.length, 20);
  // Shorter names first within the prefix run.
  const lens = b.items.map((u) => [...u.name].length);
  assert.deepEqual(lens, [...lens].sort((a, c) => a - c));
});
