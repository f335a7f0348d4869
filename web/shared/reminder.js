// The dialog after a login: a login (or registration) arms it; the site's shell checks it once
// on the next page. A member whose record the union imported and who has not yet checked it
// sees 信息核实 with 【去核实】 (GET /verification state `unverified`); otherwise a non-member
// without an open join application, whose record is not being claimed or sorted out, sees
// 温馨提醒 with 【申请入会】 (docs/api.md "网上入会", GET /membership note). Closing it keeps it
// closed until the next login.
import { ref, watch } from 'vue';
import { session, worker } from './worker.js';

const KEY = 'gonghui.join_reminder';

// The two dialogs' words: `where` says where else the service is, on each site.
export const REMINDERS = {
  join: {
    title: '温馨提醒',
    lead: '您还不是工会会员。',
    text: '加入工会，享受工会会员的各项权益和服务。您可以直接点击【申请入会】进行网上入会；',
    where: { pc: '业务申报平台—会员基础类业务—网上入会申请', h5: '办事大厅—入会申请' },
    action: '申请入会',
    to: '/join',
  },
  verify: {
    title: '信息核实',
    lead: '请核实您的会员信息。',
    text: '工会已将您线下入会的会员信息（所属工会、入会日期、会员编号）录入系统。请点击【去核实】核对：信息无误请确认，信息有误可申请变更；',
    where: { pc: '业务申报平台—会员基础类业务—信息核实与登记', h5: '办事大厅—信息核实与登记' },
    action: '去核实',
    to: '/verification',
  },
};

function store() {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

// Pages on the way to what a reminder offers: no reminder there.
function needless(path) {
  return path.startsWith('/join') || path.startsWith('/verification');
}

export const joinReminder = {
  arm() {
    try {
      store()?.setItem(KEY, '1');
    } catch {
      /* storage disabled: no reminder */
    }
  },
  disarm() {
    try {
      store()?.removeItem(KEY);
    } catch {
      /* nothing to clear */
    }
  },
  armed() {
    try {
      return store()?.getItem(KEY) === '1';
    } catch {
      return false;
    }
  },
  // Which dialog opens now: 'verify', 'join' or ''; disarms either way.
  async due() {
    if (!this.armed()) return '';
    this.disarm();
    const user = session.state.person;
    if (!session.state.authenticated || !user) return '';
    const verification = await worker.verification().catch(() => null);
    const state = verification ? verification.state : '';
    if (state === 'unverified') return 'verify';
    if (user.is_member || state === 'claim_pending' || state === 'flagged') return '';
    // The user object carries the open join application; older answers may not.
    if ('join_open' in user) return user.join_open ? '' : 'join';
    try {
      const res = await worker.eligibility('join');
      if (res.open_application) return '';
      const member = (res.conditions || []).find((c) => c.key === 'not_member');
      return member && !member.passed ? '' : 'join';
    } catch {
      return '';
    }
  },
};

// For the site's shell: once after a login, on the first page that is not a login page
// (`isLoginPage(route)`), `which` becomes the dialog to show ('join' 温馨提醒, 'verify' 信息核实)
// and `open` true.
export function useLoginReminder(route, isLoginPage) {
  const which = ref('');
  const open = ref(false);
  watch(
    () => [route.fullPath, session.state.authenticated],
    async () => {
      if (!session.state.authenticated || isLoginPage(route) || !joinReminder.armed()) return;
      if (needless(route.path)) {
        joinReminder.disarm(); // already on the way
        return;
      }
      const due = await joinReminder.due();
      if (due) {
        which.value = due;
        open.value = true;
      }
    },
  );
  return { which, open };
}
