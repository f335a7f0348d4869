// Who is logged in, shared by a site's pages: one reactive store per site.
// `principal` is 'user' for the worker sites and 'staff' for the back office, the key under
// which the session and login answers carry the person.
import { reactive } from 'vue';

export function createSessionStore(endpoints, principal) {
  const state = reactive({
    loaded: false,
    authenticated: false,
    person: null,
  });
  let loading = null;

  function set(person) {
    state.person = person || null;
    state.authenticated = !!person;
    state.loaded = true;
  }

  // Loads the session once; later calls return the same promise unless `force`.
  function load(force = false) {
    if (loading && !force) return loading;
    loading = endpoints
      .session()
      .then((data) => set(data && data.authenticated ? data[principal] : null))
      .catch((err) => {
        // A network failure leaves the visitor logged out; pages still render.
        set(null);
        loading = null;
        throw err;
      });
    return loading;
  }

  return {
    state,
    load,
    // After a login, register or account change: the answer carries the person.
    set,
    clear() {
      set(null);
    },
  };
}

// A local path to return to after login; anything else (other sites, //host) is dropped.
export function safeRedirect(value, fallback) {
  if (typeof value !== 'string') return fallback;
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return fallback;
  if (/^\/(login|register)(\/|\?|$)/.test(value)) return fallback;
  return value;
}

// The registration token of the 信息完善 step lives in sessionStorage, never in the URL.
const REGISTRATION_KEY = 'gonghui.registration_token';

export const registrationToken = {
  save(token) {
    try {
      sessionStorage.setItem(REGISTRATION_KEY, token);
    } catch {
      /* storage disabled: the register page will ask to log in again */
    }
  },
  get() {
    try {
      return sessionStorage.getItem(REGISTRATION_KEY);
    } catch {
      return null;
    }
  },
  clear() {
    try {
      sessionStorage.removeItem(REGISTRATION_KEY);
    } catch {
      /* nothing to clear */
    }
  },
};
