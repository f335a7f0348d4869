/* transfer.h — 会籍变更 (membership change, SPEC §5): the nine reasons, which membership
 * statuses each may start from, whether it needs a 转入单位 (with or without a union), who
 * reviews it and what approval makes of the membership. One table; pure. */
#ifndef GONGHUI_DOMAIN_TRANSFER_H
#define GONGHUI_DOMAIN_TRANSFER_H
#include <stdbool.h>

#include "domain/member.h"

typedef enum {
	REASON_LABOR_CHANGE,  /* 劳动（工作）关系发生变化 */
	REASON_LAID_OFF,      /* 在本单位下岗后待岗 */
	REASON_BANKRUPT,      /* 所在企业破产 */
	REASON_UNEMPLOYED,    /* 失业 */
	REASON_NO_UNION_UNIT, /* 转入单位未建会 */
	REASON_RETIRED,       /* 退休 */
	REASON_MILITARY,      /* 服兵役 */
	REASON_WITHDRAW,      /* 个人要求退会 */
	REASON_EXPELLED,      /* 因犯罪被开除会籍 */
	REASON_COUNT,
} transfer_reason;

typedef enum {
	UNIT_NONE,           /* no 转入单位 */
	UNIT_WITH_UNION,     /* required, has a union, not the current one */
	UNIT_WITHOUT_UNION,  /* required, has no union */
} transfer_unit_rule;

typedef enum {
	REVIEW_RECEIVING_UNION, /* the new unit's union */
	REVIEW_CURRENT_UNION,
	REVIEW_CURRENT_OR_PARENT, /* the current union, or its parent if it no longer exists */
	REVIEW_TARGET_STREET,     /* the street/town/zone union of 转入单位所在地 */
} transfer_reviewer;

typedef enum {
	ORG_NEW_UNIT_UNION,   /* the new unit's union */
	ORG_SAME,             /* unchanged */
	ORG_OLD_UNIT_STREET,  /* the street/town union of the old unit */
	ORG_TARGET_STREET,    /* the street/town/zone union of 转入单位所在地 */
} transfer_org_effect;

typedef struct transfer_rule {
	const char *key, *label, *explanation;
	unsigned allowed_from; /* bit per member_status */
	transfer_unit_rule unit;
	transfer_reviewer reviewer;
	member_status result;
	transfer_org_effect org;
	bool notify_parent; /* the parent organisation is told (expulsion) */
} transfer_rule;

const transfer_rule *domain_transfer_rule(transfer_reason r);
bool domain_transfer_reason_parse(const char *s, transfer_reason *out);
/* Does the reason fit the member's status? On false, why holds a Chinese explanation. */
bool domain_transfer_allowed(transfer_reason r, member_status from, const char **why);
#endif
