/* member.c — membership statuses, join eligibility, register options. */
#include "domain/member.h"

#include <string.h>

static const struct {
	const char *name, *label;
	bool current;
} statuses[MEMBER_STATUS_COUNT] = {
	[MEMBER_ACTIVE] = {"active", "会员", true},
	[MEMBER_LAID_OFF] = {"laid_off", "下岗待岗", true},
	[MEMBER_RETAINED_UNEMPLOYED] = {"retained_unemployed", "保留会籍（失业）", true},
	[MEMBER_RETAINED_BANKRUPT] = {"retained_bankrupt", "保留会籍（破产）", true},
	[MEMBER_RETAINED_RETIRED] = {"retained_retired", "保留会籍（退休）", true},
	[MEMBER_RETAINED_MILITARY] = {"retained_military", "保留会籍（服兵役）", true},
	[MEMBER_WITHDRAWN] = {"withdrawn", "已退会", false},
	[MEMBER_EXPELLED] = {"expelled", "已开除", false},
};

const char *domain_member_status_name(member_status s)
{
	return statuses[s].name;
}

const char *domain_member_status_label(member_status s)
{
	return statuses[s].label;
}

bool domain_member_status_parse(const char *s, member_status *out)
{
	for (int i = 0; i < MEMBER_STATUS_COUNT; i++)
		if (s && strcmp(s, statuses[i].name) == 0) {
			*out = (member_status)i;
			return true;
		}
	return false;
}

bool domain_member_current(member_status s)
{
	return statuses[s].current;
}

bool domain_join_eligibility(const join_facts *f, join_condition out[JOIN_CONDITIONS])
{
	out[0] = (join_condition){"profile", "实名信息完整", f->profile_complete ? "姓名、身份证号、手机号已登记" : "请先在个人中心完善姓名和身份证号", f->profile_complete};
	out[1] = (join_condition){"age", "年满16周岁", f->age >= JOIN_MIN_AGE ? "按身份证出生日期计算已年满16周岁" : "按身份证出生日期计算未满16周岁，暂不能申请入会", f->age >= JOIN_MIN_AGE};
	const char *member = f->current_member ? "您已是工会会员（含下岗待岗、保留会籍），无需重复入会；如工作变动请办理会籍变更"
			     : f->roster_flagged ? "您的线下入会记录在多个工会组织的名册中重复出现，正由上级工会核实处理，处理完成前不能申请入会"
						 : "当前无有效会籍";
	out[2] = (join_condition){"not_member", "当前不是工会会员", member, !f->current_member && !f->roster_flagged};
	const char *open = f->open_application ? "您已有一份入会申请正在办理或待提交，请在“我的办事”中继续办理"
			   : f->open_registration ? "您已提交信息登记申请（线下入会登记），请等待工会确认，无需重复入会"
			   : f->open_claim ? "系统在线下会员名册中找到了您的记录，会员信息认领正在由工会确认，无需重复入会"
					   : "没有正在办理的入会申请";
	out[3] = (join_condition){"no_open_application", "没有正在办理的入会申请", open, !f->open_application && !f->open_registration && !f->open_claim};
	bool all = true;
	for (int i = 0; i < JOIN_CONDITIONS; i++)
		all = all && out[i].passed;
	return all;
}

const char *const domain_ethnicities[] = {
	"汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
	"满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
	"佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族",
	"土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族",
	"阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族",
	"保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族",
	"基诺族", NULL};

const char *const domain_educations[] = {"研究生", "大学本科", "大学专科", "中等专科",
					  "高中", "初中", "小学及以下", NULL};

const char *const domain_political_statuses[] = {
	"中共党员", "中共预备党员", "共青团员", "民革党员", "民盟盟员", "民建会员", "民进会员",
	"农工党党员", "致公党党员", "九三学社社员", "台盟盟员", "无党派人士", "群众", NULL};

bool domain_option_valid(const char *const *list, const char *value)
{
	for (; *list; list++)
		if (strcmp(*list, value) == 0)
			return true;
	return false;
}
