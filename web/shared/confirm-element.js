// An Element Plus confirmation box for the PC site and the back office: resolves true on
// the confirming button, false on 取消 or close.
import { ElMessageBox } from 'element-plus';
import 'element-plus/es/components/message-box/style/css';

export async function confirm({ title = '提示', message, action = '确定', cancel = '取消', type = 'warning' }) {
  try {
    await ElMessageBox.confirm(message, title, {
      confirmButtonText: action,
      cancelButtonText: cancel,
      type,
      closeOnClickModal: false,
    });
    return true;
  } catch {
    return false;
  }
}
