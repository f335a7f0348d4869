/* application.c — labels and the transition table of the application engine. */
#include "domain/application.h"

#include <string.h>

static const struct {
	const char *name, *label, *prefix;
} kinds[APP_KIND_COUNT] = {
	[APP_KIND_JOIN] = {"join", "网上入会申请", "RH"},
	[APP_KIND_TRANSFER] = {"transfer", "会籍变更申请", "HJ"},
	[APP_KIND_CORRECTION] = {"correction", "信息变更申请", "XB"},
	[APP_KIND_REGISTRATION] = {"registration", "信息登记申请", "DJ"},
	[APP_KIND_CLAIM] = {"claim", "会员信息认领", "RL"},
};

static const struct {
	const char *name, *label;
	bool open;
	app_tab tab;
} statuses[APP_STATUS_COUNT] = {
	[APP_DRAFT] = {"draft", "暂存", true, TAB_TODO},
	[APP_SUBMITTED] = {"submitted", "已递交", true, TAB_PROCESSING},
	[APP_PROCESSING] = {"processing", "办理中", true, TAB_PROCESSING},
	[APP_COMPLETED] = {"completed", "已完成", false, TAB_COMPLETED},
	[APP_REJECTED] = {"rejected", "审核不通过", false, TAB_REJECTED},
	[APP_RETURNED] = {"returned", "已退回", true, TAB_TODO},
	[APP_WITHDRAWN] = {"withdrawn", "已撤回", true, TAB_TODO},
};

static const struct {
	const char *name, *label;
	bool worker, reason;
} actions[ACT_COUNT] = {
	[ACT_SAVE] = {"save", "暂存", true, false},
	[ACT_SUBMIT] = {"submit", "提交申请", true, false},
	[ACT_WITHDRAW] = {"withdraw", "撤回申请", true, false},
	[ACT_DELETE] = {"delete", "删除草稿", true, false},
	[ACT_ACCEPT] = {"accept", "受理", false, false},
	[ACT_APPROVE] = {"approve", "审核通过", false, false},
	[ACT_REJECT] = {"reject", "审核不通过", false, true},
	[ACT_RETURN] = {"return", "退回修改", false, true},
};

/* The whole state machine: from, action → to. */
static const struct {
	app_status from;
	app_action action;
	app_status to;
} transitions[] = {
	{APP_DRAFT, ACT_SAVE, APP_DRAFT},
	{APP_WITHDRAWN, ACT_SAVE, APP_WITHDRAWN},
	{APP_RETURNED, ACT_SAVE, APP_RETURNED},
	{APP_DRAFT, ACT_SUBMIT, APP_SUBMITTED},
	{APP_WITHDRAWN, ACT_SUBMIT, APP_SUBMITTED},
	{APP_RETURNED, ACT_SUBMIT, APP_SUBMITTED},
	{APP_SUBMITTED, ACT_WITHDRAW, APP_WITHDRAWN},
	{APP_DRAFT, ACT_DELETE, APP_DRAFT},
	{APP_SUBMITTED, ACT_ACCEPT, APP_PROCESSING},
	{APP_PROCESSING, ACT_ACCEPT, APP_PROCESSING}, /* take-over by another reviewer */
	{APP_SUBMITTED, ACT_APPROVE, APP_COMPLETED},
	{APP_PROCESSING, ACT_APPROVE, APP_COMPLETED},
	{APP_SUBMITTED, ACT_REJECT, APP_REJECTED},
	{APP_PROCESSING, ACT_REJECT, APP_REJECTED},
	{APP_SUBMITTED, ACT_RETURN, APP_RETURNED},
	{APP_PROCESSING, ACT_RETURN, APP_RETURNED},
};

static const char *const tabs[TAB_COUNT] = {"todo", "processing", "completed", "rejected", "all"};

const char *domain_app_kind_name(app_kind k)
{
	return kinds[k].name;
}

const char *domain_app_kind_label(app_kind k)
{
	return kinds[k].label;
}

const char *domain_app_kind_prefix(app_kind k)
{
	return kinds[k].prefix;
}

bool domain_app_kind_parse(const char *s, app_kind *out)
{
	for (int i = 0; i < APP_KIND_COUNT; i++)
		if (s && strcmp(s, kinds[i].name) == 0) {
			*out = (app_kind)i;
			return true;
		}
	return false;
}

const char *domain_app_status_name(app_status s)
{
	return statuses[s].name;
}

const char *domain_app_status_label(app_status s)
{
	return statuses[s].label;
}

bool domain_app_status_parse(const char *s, app_status *out)
{
	for (int i = 0; i < APP_STATUS_COUNT; i++)
		if (s && strcmp(s, statuses[i].name) == 0) {
			*out = (app_status)i;
			return true;
		}
	return false;
}

const char *domain_app_action_name(app_action a)
{
	return actions[a].name;
}

const char *domain_app_action_label(app_action a)
{
	return actions[a].label;
}

bool domain_app_action_parse(const char *s, app_action *out)
{
	for (int i = 0; i < ACT_COUNT; i++)
		if (s && strcmp(s, actions[i].name) == 0) {
			*out = (app_action)i;
			return true;
		}
	return false;
}

const char *domain_app_action_label_of(const char *name)
{
	app_action a;
	return domain_app_action_parse(name, &a) ? actions[a].label : "";
}

bool domain_app_transition(app_status from, app_action a, app_status *to)
{
	for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++)
		if (transitions[i].from == from && transitions[i].action == a) {
			*to = transitions[i].to;
			return true;
		}
	return false;
}

bool domain_app_open(app_status s)
{
	return statuses[s].open;
}

bool domain_app_actor_is_worker(app_action a)
{
	return actions[a].worker;
}

bool domain_app_reason_required(app_action a)
{
	return actions[a].reason;
}

const char *domain_app_tab_name(app_tab t)
{
	return tabs[t];
}

bool domain_app_tab_parse(const char *s, app_tab *out)
{
	for (int i = 0; i < TAB_COUNT; i++)
		if (s && strcmp(s, tabs[i]) == 0) {
			*out = (app_tab)i;
			return true;
		}
	return false;
}

bool domain_app_in_tab(app_status s, app_tab t)
{
	return t == TAB_ALL || statuses[s].tab == t;
}
