/* transfer.c — the table of SPEC §5. */
#include "domain/transfer.h"

#include <string.h>

#define BIT(s) (1u << (s))
#define CURRENT_ALL                                                                                \
	(BIT(MEMBER_ACTIVE) | BIT(MEMBER_LAID_OFF) | BIT(MEMBER_RETAINED_UNEMPLOYED) |             \
	 BIT(MEMBER_RETAINED_BANKRUPT) | BIT(MEMBER_RETAINED_RETIRED) | BIT(MEMBER_RETAINED_MILITARY))
#define WORKING (BIT(MEMBER_ACTIVE) | BIT(MEMBER_LAID_OFF))

static const transfer_rule rules[REASON_COUNT] = {
	[REASON_LABOR_CHANGE] = {"labor_change", "劳动（工作）关系发生变化",
				 "指您已经变更工作单位且新单位已建会。", CURRENT_ALL,
				 UNIT_WITH_UNION, REVIEW_RECEIVING_UNION, MEMBER_ACTIVE,
				 ORG_NEW_UNIT_UNION, false},
	[REASON_LAID_OFF] = {"laid_off", "在本单位下岗后待岗",
			     "指您在原单位下岗且尚未找到新工作。", BIT(MEMBER_ACTIVE), UNIT_NONE,
			     REVIEW_CURRENT_UNION, MEMBER_LAID_OFF, ORG_SAME, false},
	[REASON_BANKRUPT] = {"bankrupt", "所在企业破产", "指您原单位破产且尚未找到新工作。",
			     WORKING, UNIT_NONE, REVIEW_CURRENT_OR_PARENT,
			     MEMBER_RETAINED_BANKRUPT, ORG_OLD_UNIT_STREET, false},
	[REASON_UNEMPLOYED] = {"unemployed", "失业", "指您在原单位离职且尚未找到新工作。",
			       WORKING, UNIT_NONE, REVIEW_CURRENT_UNION,
			       MEMBER_RETAINED_UNEMPLOYED, ORG_SAME, false},
	[REASON_NO_UNION_UNIT] = {"no_union_unit", "转入单位未建会",
				  "指您已经变更工作单位但新单位未建会。", CURRENT_ALL,
				  UNIT_WITHOUT_UNION, REVIEW_TARGET_STREET, MEMBER_ACTIVE,
				  ORG_TARGET_STREET, false},
	[REASON_RETIRED] = {"retired", "退休", "指您已退休。",
			    CURRENT_ALL & ~BIT(MEMBER_RETAINED_RETIRED), UNIT_NONE,
			    REVIEW_CURRENT_UNION, MEMBER_RETAINED_RETIRED, ORG_SAME, false},
	[REASON_MILITARY] = {"military", "服兵役", "指您在服兵役期间。", WORKING, UNIT_NONE,
			     REVIEW_CURRENT_UNION, MEMBER_RETAINED_MILITARY, ORG_SAME, false},
	[REASON_WITHDRAW] = {"withdraw", "个人要求退会", "指您由于个人原因申请退会。",
			     CURRENT_ALL, UNIT_NONE, REVIEW_CURRENT_UNION, MEMBER_WITHDRAWN,
			     ORG_SAME, false},
	[REASON_EXPELLED] = {"expelled", "因犯罪被开除会籍", "指您因犯罪被开除会籍。",
			     CURRENT_ALL, UNIT_NONE, REVIEW_CURRENT_UNION, MEMBER_EXPELLED,
			     ORG_SAME, true},
};

const transfer_rule *domain_transfer_rule(transfer_reason r)
{
	return &rules[r];
}

bool domain_transfer_reason_parse(const char *s, transfer_reason *out)
{
	for (int i = 0; i < REASON_COUNT; i++)
		if (s && strcmp(s, rules[i].key) == 0) {
			*out = (transfer_reason)i;
			return true;
		}
	return false;
}

bool domain_transfer_allowed(transfer_reason r, member_status from, const char **why)
{
	if (rules[r].allowed_from & BIT(from))
		return true;
	if (!domain_member_current(from))
		*why = "您当前没有有效会籍，不能办理会籍变更";
	else if (r == REASON_RETIRED)
		*why = "您已是保留会籍（退休）状态，无需再次申请退休";
	else if (rules[r].allowed_from == BIT(MEMBER_ACTIVE))
		*why = "该变更原因只适用于在职会员";
	else
		*why = "该变更原因只适用于在职或下岗待岗的会员，保留会籍期间不能选择";
	return false;
}
