// The staff API client and session of the back office.
import { createApi, staffEndpoints } from './api.js';
import { createSessionStore } from './session.js';

export const api = createApi({ sessionPath: '/api/v1/admin/session' });
export const staff = staffEndpoints(api);
export const session = createSessionStore(staff, 'staff');

export async function logout() {
  try {
    await staff.logout();
  } catch {
    /* already logged out or offline */
  }
  api.clearCsrfToken();
  session.clear();
}
