// Vant toasts for the shared flows (web/shared/flows.js).
import { showFailToast, showSuccessToast, showToast } from 'vant';
import 'vant/es/toast/style/index.mjs';

export const notify = {
  success: (message) => showSuccessToast({ message, wordBreak: 'break-word' }),
  error: (message) => showFailToast({ message, wordBreak: 'break-word' }),
  info: (message) => showToast({ message, wordBreak: 'break-word' }),
};
