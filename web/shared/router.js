// Route guard shared by the three sites: load the session once, send logged-out visitors of
// pages with meta.requiresAuth to the login page (with a redirect back), keep logged-in
// visitors away from the login pages, and title each page.
import { safeRedirect } from './session.js';

export const SITE_TITLE = '厦门市智慧工会服务平台';

export function installGuards(router, { session, api, home, loginPath = '/login', siteTitle = SITE_TITLE }) {
  router.beforeEach(async (to) => {
    try {
      await session.load();
    } catch {
      /* offline: treat as logged out */
    }
    if (to.meta.requiresAuth && !session.state.authenticated) {
      // The login page returns to `home` anyway; other pages travel in ?redirect=.
      return { path: loginPath, query: to.fullPath === home ? {} : { redirect: to.fullPath } };
    }
    if (to.meta.guestOnly && session.state.authenticated) {
      return safeRedirect(to.query.redirect, home);
    }
    return true;
  });

  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} - ${siteTitle}` : siteTitle;
  });

  // An authenticated request answered 401: the session ended (idle timeout, password changed
  // elsewhere). Forget it and, on a protected page, go to the login page.
  api.onUnauthenticated(() => {
    session.clear();
    const current = router.currentRoute.value;
    if (current.meta.requiresAuth) {
      router.replace({ path: loginPath, query: { redirect: current.fullPath } });
    }
  });
}
