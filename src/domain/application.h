/* application.h — the application engine (办事): kinds, statuses, actions and the one table
 * of which action moves which status where (SPEC §6). Pure; the store applies the result. */
#ifndef GONGHUI_DOMAIN_APPLICATION_H
#define GONGHUI_DOMAIN_APPLICATION_H
#include <stdbool.h>

typedef enum {
	APP_KIND_JOIN,     /* 网上入会申请 */
	APP_KIND_TRANSFER, /* 会籍变更申请 */
	APP_KIND_CORRECTION,   /* 信息变更申请: a member corrects organisation, join date, number */
	APP_KIND_REGISTRATION, /* 信息登记申请: one who joined offline and is in no roster */
	APP_KIND_CLAIM,        /* 会员信息认领: made by the system for a roster entry, other phone */
	APP_KIND_COUNT,
} app_kind;

typedef enum {
	APP_DRAFT,      /* 暂存 */
	APP_SUBMITTED,  /* 已递交 */
	APP_PROCESSING, /* 办理中 */
	APP_COMPLETED,  /* 已完成 */
	APP_REJECTED,   /* 审核不通过 */
	APP_RETURNED,   /* 已退回 */
	APP_WITHDRAWN,  /* 已撤回 */
	APP_STATUS_COUNT,
} app_status;

typedef enum {
	ACT_SAVE,     /* 暂存 (worker) */
	ACT_SUBMIT,   /* 提交 (worker) */
	ACT_WITHDRAW, /* 撤回 (worker) */
	ACT_DELETE,   /* 删除 a draft (worker) */
	ACT_ACCEPT,   /* 受理 (reviewer): holds it as 办理中; another reviewer may take it over */
	ACT_APPROVE,  /* 通过 */
	ACT_REJECT,   /* 不通过, reason required */
	ACT_RETURN,   /* 退回, reason required */
	ACT_COUNT,
} app_action;

typedef enum { TAB_TODO, TAB_PROCESSING, TAB_COMPLETED, TAB_REJECTED, TAB_ALL, TAB_COUNT } app_tab;

const char *domain_app_kind_name(app_kind k);  /* "join" */
const char *domain_app_kind_label(app_kind k); /* "网上入会申请" */
const char *domain_app_kind_prefix(app_kind k); /* reference number prefix, "RH" */
bool domain_app_kind_parse(const char *s, app_kind *out);
const char *domain_app_status_name(app_status s); /* "submitted" */
const char *domain_app_status_label(app_status s); /* "已递交" */
bool domain_app_status_parse(const char *s, app_status *out);
const char *domain_app_action_name(app_action a);
const char *domain_app_action_label(app_action a); /* "提交申请" */
bool domain_app_action_parse(const char *s, app_action *out);
/* The label of an action given by name, "" when unknown. */
const char *domain_app_action_label_of(const char *name);
/* The status an action leads to from `from`, or false when the action is not allowed there. */
bool domain_app_transition(app_status from, app_action a, app_status *to);
/* Open = not yet decided: a second application of the same kind is refused meanwhile. */
bool domain_app_open(app_status s);
bool domain_app_actor_is_worker(app_action a);
bool domain_app_reason_required(app_action a);
const char *domain_app_tab_name(app_tab t);
bool domain_app_tab_parse(const char *s, app_tab *out);
bool domain_app_in_tab(app_status s, app_tab t);
#endif
