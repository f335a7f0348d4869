// The worker's API client and session, one of each per page load (PC site or H5 site).
import { createApi, workerEndpoints } from './api.js';
import { createSessionStore } from './session.js';

export const api = createApi({ sessionPath: '/api/v1/session' });
export const worker = workerEndpoints(api);
export const session = createSessionStore(worker, 'user');

// Ends the session on the server (best effort) and forgets it here.
export async function logout() {
  try {
    await worker.logout();
  } catch {
    /* already logged out or offline: forget the session anyway */
  }
  api.clearCsrfToken();
  session.clear();
}
