// A Vant confirmation dialog: resolves true on the confirming button, false on 取消.
import { showConfirmDialog } from 'vant';
import 'vant/es/dialog/style/index.mjs';

export async function confirm({ title = '提示', message, action = '确定', cancel = '取消' }) {
  try {
    await showConfirmDialog({ title, message, confirmButtonText: action, cancelButtonText: cancel, confirmButtonColor: '#c8161d' });
    return true;
  } catch {
    return false;
  }
}
