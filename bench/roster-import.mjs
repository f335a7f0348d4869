// Roster import timing (README "Offline rosters"): a 20000-row file imported into one
// organisation (plain), then the same people into another (every line flagged), plus the dry
// run of each. Run against the release build:
//   GONGHUI_BIN=build/release/gonghui node bench/roster-import.mjs
//   GONGHUI_BIN=build/release/gonghui scripts/with-postgres.sh node bench/roster-import.mjs
import { startServer } from '../tests/lib/server.mjs';
import { dbQuery, freshPhone, newStaff } from '../tests/api/helpers.mjs';

const ROWS = Number(process.env.ROWS || 20000);
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function idNumber(i) {
  const d = new Date(Date.UTC(1960, 0, 1) + Math.floor(i / 500) * 86400000 * 7);
  const birth = d.toISOString().slice(0, 10).replaceAll('-', '');
  const body = '350203' + birth + String(i % 500).padStart(3, '0');
  const s = [...body].reduce((a, c, k) => a + Number(c) * W[k], 0);
  return body + '10X98765432'[s % 11];
}

const srv = await startServer();
try {
  const org = Object.fromEntries(dbQuery(srv, 'SELECT code, id FROM org').map(([c, id]) => [c, Number(id)]));
  const admin = await newStaff(srv, 'org_admin', '350203', '思明管理');
  const lines = ['姓名,身份证号,手机号,入会日期,会员编号'];
  for (let i = 0; i < ROWS; i++) lines.push(`张名册,${idNumber(i)},${freshPhone()},2015-03-01,`);
  const csv = lines.join('\r\n') + '\r\n';
  const time = async (label, code, dry, status) => {
    const t = process.hrtime.bigint();
    const r = await admin.post('/api/v1/admin/rosters', { org_id: org[code], csv, dry_run: dry });
    const s = Number(process.hrtime.bigint() - t) / 1e9;
    if (r.status !== status) throw new Error(`${label}: ${r.status} ${r.text.slice(0, 300)}`);
    console.log(`${label.padEnd(24)} ${s.toFixed(2)} s  (flagged ${r.body.flagged.length})`);
  };
  await time('plain dry run', '350203005', true, 200);
  await time('plain import', '350203005', false, 201);
  await time('all-flagged dry run', '350203007', true, 200);
  await time('all-flagged import', '350203007', false, 201);
} finally {
  await srv.stop();
}
