/* roster.h — offline member rosters (线下会员名册) and 信息核实与登记: the statuses of a roster
 * entry, the columns of a roster file, join dates and member numbers given from outside the
 * system. Pure.
 * Glossary: roster entry 名册记录, link 关联 (entry → account and membership), claim 认领
 * (same ID number, another phone: the organisation confirms), flag 重复待处理 (the same ID
 * number in two organisations' rosters, decided by their lowest common ancestor). */
#ifndef GONGHUI_DOMAIN_ROSTER_H
#define GONGHUI_DOMAIN_ROSTER_H
#include <stdbool.h>

typedef enum {
	ROSTER_UNLINKED,  /* 待关联: no account yet */
	ROSTER_LINKED,    /* 已关联: a membership was made from it */
	ROSTER_CLAIM,     /* 认领待确认: an account with another phone claims it */
	ROSTER_FLAGGED,   /* 重复待处理: never linked until the higher level decides */
	ROSTER_SET_ASIDE, /* 已作废: the other side was kept */
	ROSTER_STATUS_COUNT,
} roster_status;

const char *domain_roster_status_name(roster_status s);
const char *domain_roster_status_label(roster_status s);
bool domain_roster_status_parse(const char *s, roster_status *out);

typedef enum {
	ROSTER_COL_NAME,      /* 姓名 / name */
	ROSTER_COL_ID,        /* 身份证号 / id_number */
	ROSTER_COL_PHONE,     /* 手机号 / phone */
	ROSTER_COL_JOIN_DATE, /* 入会日期 / join_date */
	ROSTER_COL_MEMBER_NO, /* 会员编号 / member_no (the only optional one) */
	ROSTER_COL_COUNT,
} roster_column;

/* The column a header cell names (Chinese or English, surrounding spaces ignored), or -1. */
int domain_roster_column(const char *header);
/* The column's English key ("id_number"), used as an error's field. */
const char *domain_roster_column_key(roster_column c);
const char *domain_roster_column_label(roster_column c); /* "身份证号" */
bool domain_roster_column_required(roster_column c);

/* A calendar date. Strict: YYYY-MM-DD only. Lenient (roster files, as spreadsheets write
 * them): also YYYY/M/D, YYYY.M.D, YYYY-M-D, YYYYMMDD and YYYY年M月D日. Years 1900–2200. */
bool domain_date_parse(const char *s, bool lenient, int *y, int *m, int *d);

/* Is the join date possible for someone born on (by, bm, bd), today being (ty, tm, td)?
 * NULL when it is, else the reason: in the future, or before the 16th birthday. */
const char *domain_joined_on_problem(int y, int m, int d, int by, int bm, int bd, int ty, int tm,
				     int td);

typedef enum {
	MEMBER_NO_OK,
	MEMBER_NO_FORMAT,   /* 1–32 letters, digits and hyphens */
	MEMBER_NO_RESERVED, /* XM + 12 digits: the form the system gives its own numbers */
} member_no_status;

/* A member number given from outside (a roster, 信息登记, 信息变更). */
member_no_status domain_member_no_check(const char *s);
const char *domain_member_no_message(member_no_status st);
/* Is s a number of the system's own form XM + year + 8-digit id? Fills year and id. */
bool domain_member_no_system(const char *s, int *year, long long *id);
#endif
