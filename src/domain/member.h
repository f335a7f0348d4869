/* member.h — membership statuses (会籍状态) and the join rules (SPEC §4): eligibility and
 * the member register's option lists. Pure. */
#ifndef GONGHUI_DOMAIN_MEMBER_H
#define GONGHUI_DOMAIN_MEMBER_H
#include <stdbool.h>

typedef enum {
	MEMBER_ACTIVE,              /* 会员 */
	MEMBER_LAID_OFF,            /* 下岗待岗 */
	MEMBER_RETAINED_UNEMPLOYED, /* 保留会籍（失业） */
	MEMBER_RETAINED_BANKRUPT,   /* 保留会籍（破产） */
	MEMBER_RETAINED_RETIRED,    /* 保留会籍（退休） */
	MEMBER_RETAINED_MILITARY,   /* 保留会籍（服兵役） */
	MEMBER_WITHDRAWN,           /* 已退会 */
	MEMBER_EXPELLED,            /* 已开除 */
	MEMBER_STATUS_COUNT,
} member_status;

const char *domain_member_status_name(member_status s);
const char *domain_member_status_label(member_status s);
bool domain_member_status_parse(const char *s, member_status *out);
/* Active, 下岗待岗 or retained: the person is a member now. */
bool domain_member_current(member_status s);

enum { JOIN_MIN_AGE = 16, JOIN_CONDITIONS = 4 };

typedef struct join_facts {
	bool profile_complete;
	int age;
	bool current_member;
	bool open_application;
	/* 信息核实与登记: joining again is refused while the offline membership is being sorted out */
	bool open_registration, open_claim;
	bool roster_flagged; /* an offline roster entry with this ID number awaits the higher level */
} join_facts;

typedef struct join_condition {
	const char *key, *label, *reason;
	bool passed;
} join_condition;

/* Fills the four conditions of 条件检查; returns true when all pass. */
bool domain_join_eligibility(const join_facts *f, join_condition out[JOIN_CONDITIONS]);

/* Option lists of the member register; each ends with NULL. */
extern const char *const domain_ethnicities[];
extern const char *const domain_educations[];
extern const char *const domain_political_statuses[];
bool domain_option_valid(const char *const *list, const char *value);
#endif
