// The 【发送验证码】 button's flow, shared by every page that sends an SMS code:
// check the phone, send, then count down the server's resend_after ("60秒后重新发送").
import { computed, onBeforeUnmount, ref } from 'vue';
import { checkPhone } from './validate.js';

export const SEND_CODE_LABEL = '发送验证码';

// send(phone) performs the request and resolves to the server's answer ({resend_after}).
// setError(message) shows a message next to the phone field ('' clears it).
export function useSmsSender({ send, setError }) {
  const remaining = ref(0);
  const sending = ref(false);
  let timer = null;

  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
  }

  function countdown(seconds) {
    stop();
    remaining.value = Math.max(0, Math.ceil(seconds));
    if (remaining.value <= 0) return;
    timer = setInterval(() => {
      remaining.value -= 1;
      if (remaining.value <= 0) stop();
    }, 1000);
  }

  const label = computed(() =>
    remaining.value > 0 ? `${remaining.value}秒后重新发送` : SEND_CODE_LABEL,
  );
  const disabled = computed(() => sending.value || remaining.value > 0);

  // Resolves true when the code went out; rethrows errors that are not about the phone.
  async function trigger(phone) {
    if (disabled.value) return false;
    const problem = checkPhone(phone);
    setError(problem);
    if (problem) return false;
    sending.value = true;
    try {
      const res = await send(String(phone).trim());
      countdown(res && res.resend_after ? res.resend_after : 60);
      return true;
    } catch (err) {
      if (err && err.code === 'rate_limited' && err.retryAfter) countdown(err.retryAfter);
      if (err && err.field === 'phone') {
        setError(err.message);
        return false;
      }
      throw err;
    } finally {
      sending.value = false;
    }
  }

  onBeforeUnmount(stop);
  return { remaining, sending, label, disabled, trigger, countdown };
}
