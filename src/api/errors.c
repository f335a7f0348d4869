/* errors.c — the error table. */
#include "api/errors.h"

#include <stdio.h>

static const struct {
	int status;
	const char *code, *message;
} errors[] = {
	[ERR_INVALID_JSON] = {400, "invalid_json", "请求格式不正确，应为JSON对象"},
	[ERR_REQUIRED] = {400, "required", "请填写必填项"},
	[ERR_INVALID_FIELD] = {400, "invalid_field", "填写的内容格式不正确"},
	[ERR_UNAUTHENTICATED] = {401, "unauthenticated", "请先登录"},
	[ERR_FORBIDDEN] = {403, "forbidden", "没有权限进行此操作"},
	[ERR_CSRF] = {403, "csrf", "页面已过期，请刷新后重试"},
	[ERR_ORIGIN] = {403, "origin", "请求来源不被允许"},
	[ERR_NOT_FOUND] = {404, "not_found", "请求的内容不存在"},
	[ERR_RATE_LIMITED] = {429, "rate_limited", "操作过于频繁，请稍后再试"},
	[ERR_SMS_RATE_LIMITED] = {429, "rate_limited", "验证码发送过于频繁，请稍后再试"},
	[ERR_ACCOUNT_LOCKED] = {423, "account_locked",
				"密码连续错误次数过多，密码登录已锁定15分钟，可使用短信登录或找回密码"},
	[ERR_INVALID_CREDENTIALS] = {401, "invalid_credentials", "用户名或密码错误"},
	[ERR_OLD_PASSWORD] = {400, "invalid_credentials", "原密码不正确"},
	[ERR_CODE_INVALID] = {400, "code_invalid", "验证码错误或已失效，请重新获取"},
	[ERR_TOKEN_INVALID] = {400, "token_invalid", "验证已过期，请重新获取验证码"},
	[ERR_CHALLENGE_EXPIRED] = {400, "challenge_expired", "登录验证已失效，请重新输入密码登录"},
	[ERR_ID_TAKEN] = {409, "id_number_taken",
			  "该身份证号已被其他账号注册。如非本人注册，请通过【忘记密码】中的人工申诉找回"},
	[ERR_PHONE_TAKEN] = {409, "phone_taken", "该手机号已绑定其他账号"},
	[ERR_PASSWORD_MISMATCH] = {400, "password_mismatch", "两次输入的密码不一致"},
	[ERR_CONSENT_REQUIRED] = {400, "consent_required", "请阅读并同意隐私政策"},
	[ERR_SAME_PHONE] = {400, "same_phone", "新手机号与当前绑定的手机号相同"},
	[ERR_UNAVAILABLE] = {503, "unavailable", "服务暂时不可用，请稍后再试"},
	[ERR_INTERNAL] = {500, "internal", "服务器内部错误，请稍后再试"},
};

void api_fail_msg(http_request *r, api_error e, const char *field, const char *message)
{
	res_error(r, errors[e].status, errors[e].code, message, field);
}

void api_fail(http_request *r, api_error e, const char *field)
{
	api_fail_msg(r, e, field, errors[e].message);
}

void api_fail_retry(http_request *r, api_error e, int64_t retry_after)
{
	char msg[256];
	if (e == ERR_SMS_RATE_LIMITED)
		snprintf(msg, sizeof(msg), "验证码发送过于频繁，请%lld秒后再试",
			 (long long)retry_after);
	else
		snprintf(msg, sizeof(msg), "%s", errors[e].message);
	res_error_retry(r, errors[e].status, errors[e].code, msg, retry_after);
}
