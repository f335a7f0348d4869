// 温馨提醒: a login (or registration) arms the reminder; the site's shell checks it once on the
// next page, and a non-member without an open join application sees the dialog with
// 【申请入会】 (docs/api.md "网上入会", GET /membership note). Closing it keeps it closed until
// the next login.
import { session, worker } from './worker.js';

const KEY = 'gonghui.join_reminder';

function store() {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
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
  // True when the dialog should open now; disarms either way.
  async due() {
    if (!this.armed()) return false;
    this.disarm();
    const user = session.state.person;
    if (!session.state.authenticated || !user || user.is_member) return false;
    // The user object carries the open join application; older answers may not.
    if ('join_open' in user) return !user.join_open;
    try {
      const res = await worker.joinEligibility();
      if (res.open_application) return false;
      const member = (res.conditions || []).find((c) => c.key === 'not_member');
      return !(member && !member.passed);
    } catch {
      return false;
    }
  },
};
