// A paged list of the back office: `fetchPage(page)` answers {items, total, page, page_size};
// the latest request wins, a 403 goes to `onForbidden(message)`, a failure `onError(err)`
// handles (returns true) stays there (a field error beside its filter), others go to `error`.
import { reactive } from 'vue';

export function usePagedList(fetchPage, { onForbidden, onError, forbiddenText = '该功能只对管理员开放', page = 1, pageSize = 20 } = {}) {
  const state = reactive({ items: [], total: 0, page, pageSize, loading: false, error: '' });
  let seq = 0;

  async function load(page = state.page) {
    const mine = ++seq;
    state.loading = true;
    state.error = '';
    try {
      const res = await fetchPage(page);
      if (mine !== seq) return;
      state.items = Array.isArray(res.items) ? res.items : [];
      state.total = res.total || 0;
      state.page = res.page || page;
      state.pageSize = res.page_size || state.pageSize;
    } catch (err) {
      if (mine !== seq) return;
      if (err.status === 403 && onForbidden) onForbidden(err.message || forbiddenText);
      else if (!(onError && onError(err))) state.error = err.message;
    } finally {
      if (mine === seq) state.loading = false;
    }
  }

  return { state, load };
}
