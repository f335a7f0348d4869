// Element Plus messages for the shared flows (flows.js).
import { ElMessage } from 'element-plus';
import 'element-plus/es/components/message/style/css';

export const notify = {
  success: (message) => ElMessage.success({ message, grouping: true }),
  error: (message) => ElMessage.error({ message, grouping: true }),
};
