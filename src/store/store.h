/* store.h — the storage interface: one function per operation on one table, written once for
 * both engines over db.h. Handlers call these; no SQL lives above src/store.
 * Glossary: worker 职工, staff 工作人员 (审核人员/管理员), org 工会组织, unit 工作单位,
 * region 行政区划, outbox 发件箱, consent 同意记录, audit 审计日志. */
#ifndef GONGHUI_STORE_STORE_H
#define GONGHUI_STORE_STORE_H
#include <stdbool.h>
#include <stdint.h>

#include "security/crypto.h"
#include "security/password.h"
#include "store/db.h"
#include "util/arena.h"

typedef enum {
	STORE_OK = 0,
	STORE_NOTFOUND = 1,
	STORE_CONFLICT = 2,
	STORE_LIMITED = 3,
	STORE_ERR = -1,
} store_rc;

typedef enum { SUBJECT_WORKER = 1, SUBJECT_STAFF = 2 } subject_kind;

/* ---- accounts (worker 职工, staff 工作人员) ---- */
typedef struct account_row {
	subject_kind kind;
	int64_t id;
	char phone[16];
	char name[256];
	char password_hash[PASSWORD_HASH_LEN];
	int failed_logins;
	int64_t locked_until;
	/* worker only */
	char id_masked[20];
	unsigned char id_cipher[64];
	size_t id_cipher_len;
	int gender; /* 1 male, 2 female */
	char birth_date[11];
	char email[256];
	/* staff only */
	char role[24];
	int64_t org_id;
	bool disabled;
} account_row;

typedef struct worker_new {
	const char *phone, *name, *id_masked, *birth_date, *password_hash;
	const unsigned char *id_cipher, *id_index;
	size_t id_cipher_len;
	int gender;
} worker_new;

store_rc store_worker_create(db_conn *c, const worker_new *w, int64_t now, int64_t *id);
store_rc store_account_get(db_conn *c, subject_kind kind, int64_t id, account_row *out);
store_rc store_account_by_phone(db_conn *c, subject_kind kind, const char *phone,
				account_row *out);
store_rc store_worker_by_id_index(db_conn *c, const unsigned char idx[CRYPTO_HASH_LEN],
				  account_row *out);
store_rc store_account_set_password(db_conn *c, subject_kind kind, int64_t id, const char *hash,
				    int64_t now);
/* Counts a failed password; at `limit` in a row the account locks until now + lock_seconds.
 * Sets *locked when this failure locked it. */
store_rc store_account_login_failed(db_conn *c, subject_kind kind, int64_t id, int limit,
				    int64_t now, int64_t lock_seconds, bool *locked);
store_rc store_account_login_ok(db_conn *c, subject_kind kind, int64_t id);
store_rc store_worker_set_phone(db_conn *c, int64_t id, const char *phone, int64_t now);

typedef struct staff_new {
	const char *phone, *name, *role, *password_hash;
	int64_t org_id;
} staff_new;
store_rc store_staff_create(db_conn *c, const staff_new *s, int64_t now, int64_t *id);

/* ---- sessions (会话) ---- */
typedef struct session_row {
	subject_kind kind;
	int64_t subject_id;
	char csrf_token[CRYPTO_TOKEN_LEN + 1];
	bool bearer;
	int64_t created_at, last_seen;
} session_row;

store_rc store_session_create(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
			      const session_row *s, const char *client);
/* What a session read leaves for the caller to write (outside any read transaction). */
typedef enum {
	SESSION_DUE_NONE,
	SESSION_DUE_TOUCH,  /* live, last_seen a minute old or more: store_session_touch */
	SESSION_DUE_DELETE, /* expired: store_session_delete */
} session_due;
/* Finds a live session without writing, so that it can run inside a request's read
 * transaction: absent, of another kind, idle longer than idle_s or older than absolute_s →
 * STORE_NOTFOUND. *due says which write the caller owes afterwards. */
store_rc store_session_read(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
			    subject_kind kind, int64_t now, int64_t idle_s, int64_t absolute_s,
			    session_row *out, session_due *due);
/* Sets last_seen to now unless a concurrent request did so within the last minute. */
store_rc store_session_touch(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN], int64_t now);
store_rc store_session_delete(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN]);
/* Ends every session of the subject except keep (may be NULL: ends them all); for staff also
 * every login waiting for its second factor (a password change, a reset or disabling the
 * account must not leave a half-done login behind). */
store_rc store_session_delete_others(db_conn *c, subject_kind kind, int64_t subject_id,
				     const unsigned char *keep);

/* ---- staff login challenges (the second factor: password, then an SMS code) ---- */
store_rc store_staff_challenge_create(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
				      int64_t staff_id, int64_t now, int64_t ttl);
/* A live challenge (unused, unexpired): its staff member. */
store_rc store_staff_challenge_get(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
				   int64_t now, int64_t *staff_id);
/* Uses a live challenge up; STORE_NOTFOUND when it is no longer live (another request won). */
store_rc store_staff_challenge_use(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
				   int64_t now);
/* Counts a wrong code; the max_tries-th ends the challenge. *ended: it is no longer live. */
store_rc store_staff_challenge_wrong(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
				     int max_tries, bool *ended);
/* A code was sent again: the live challenge expires ttl from now, with the new code. */
store_rc store_staff_challenge_extend(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
				      int64_t now, int64_t ttl);
store_rc store_staff_challenge_end(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN]);

/* ---- SMS codes, send limits, phone proofs, login failures ---- */
typedef struct sms_limits {
	int interval_s, per_hour, per_day, per_client_hour;
} sms_limits;

/* Checks the send limits for phone and client and, if within them, records the send.
 * STORE_LIMITED sets *retry_after (seconds). Call inside a write transaction. */
store_rc store_sms_send_record(db_conn *c, const char *phone, const char *client, int64_t now,
			       const sms_limits *lim, int64_t *retry_after);
/* Invalidates earlier codes of (phone, purpose) and stores the new code's hash. */
store_rc store_sms_code_create(db_conn *c, const char *phone, const char *purpose,
			       const unsigned char hash[CRYPTO_HASH_LEN], int64_t now,
			       int64_t ttl);
/* Consumes the newest live code of (phone, purpose) if hash matches; a mismatch counts a try
 * and the max_tries-th wrong try kills the code. STORE_NOTFOUND on any failure. */
store_rc store_sms_code_consume(db_conn *c, const char *phone, const char *purpose,
				const unsigned char hash[CRYPTO_HASH_LEN], int64_t now,
				int max_tries);
store_rc store_phone_proof_create(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
				  const char *phone, const char *purpose, int64_t expires_at);
/* Reads a live proof's phone without consuming it. */
store_rc store_phone_proof_peek(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
				const char *purpose, int64_t now, char phone[16]);
/* Consumes a live proof and copies its phone (16 bytes). */
store_rc store_phone_proof_consume(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
				   const char *purpose, int64_t now, char phone[16]);
store_rc store_login_failures_count(db_conn *c, const char *client, int64_t since, int64_t *n);
store_rc store_login_failure_add(db_conn *c, const char *client, int64_t now);
/* Deletes expired codes, proofs, send records and failures older than a day. */
store_rc store_expire_old(db_conn *c, int64_t now);

/* ---- outbox (发件箱): SMS and mail leave through here, each exactly once ---- */
typedef struct outbox_item {
	int64_t id;
	char channel[8];
	char recipient[256];
	char subject[256];
	char *body; /* owned by the item; outbox_items_free frees */
	int attempts;
} outbox_item;

store_rc store_outbox_add(db_conn *c, const char *channel, const char *recipient,
			  const char *subject, const char *body, bool sensitive, int64_t now);
/* Claims up to max due items for lease_s seconds; *n gets the count. Safe with several
 * senders on several nodes. */
store_rc store_outbox_claim(db_conn *c, int64_t now, int64_t lease_s, outbox_item *items, int max,
			    int *n);
/* Marks sent; a sensitive body (it held a code) is blanked. */
store_rc store_outbox_sent(db_conn *c, int64_t id, int64_t now);
store_rc store_outbox_retry(db_conn *c, int64_t id, int64_t next_at, const char *error);
void outbox_items_free(outbox_item *items, int n);

/* ---- regions (行政区划), organisations (工会组织), units (工作单位) ---- */
typedef struct region_row {
	char code[16], name[128], kind[12], parent_code[16];
} region_row;
store_rc store_region_put(db_conn *c, const region_row *r);
/* Copies up to max regions ordered by code into out; *n gets the count. Codes sort each
 * district's streets right after it (350203 < 350203001). */
store_rc store_regions_list(db_conn *c, region_row *out, int max, int *n);
store_rc store_region_count(db_conn *c, int64_t *n);

typedef struct org_row {
	int64_t id, parent_id;
	char code[32], name[256], kind[16], region_code[16];
	bool active;
} org_row;
store_rc store_org_create(db_conn *c, const org_row *o, int64_t now, int64_t *id);
store_rc store_org_by_code(db_conn *c, const char *code, org_row *out);
store_rc store_org_get(db_conn *c, int64_t id, org_row *out);
/* The lowest common ancestor of two organisations (itself when they are one). */
store_rc store_org_lca(db_conn *c, int64_t a, int64_t b, int64_t *out);
/* The nearest active organisation at or above id (id itself when it is active). */
store_rc store_org_active_ancestor(db_conn *c, int64_t id, org_row *out);

typedef struct unit_new {
	const char *name, *credit_code, *district_code, *street_code, *address;
	bool has_union;
	int64_t union_org_id;
} unit_new;
/* Creates the unit and its search grams. STORE_CONFLICT: the credit code exists. */
store_rc store_unit_create(db_conn *c, const unit_new *u, int64_t now, int64_t *id);
/* Creates n units at once (an import, inside the caller's transaction); the search grams'
 * counts are written once per gram. STORE_CONFLICT: a credit code exists. */
store_rc store_units_create(db_conn *c, const unit_new *units, int n, int64_t now);
store_rc store_unit_count(db_conn *c, int64_t *n);

typedef struct unit_row {
	int64_t id, union_org_id;
	char name[256], credit_code[20], district_code[16], street_code[16], address[512];
	bool has_union;
} unit_row;

enum { UNIT_SEARCH_CAP = 1000 };

typedef struct unit_page {
	unit_row *items; /* caller's array of `limit` rows */
	int n;
	int64_t total; /* at most UNIT_SEARCH_CAP + 1: more means "1000+" */
} unit_page;

/* Keyword search (SPEC §2): any part of the name (1 character and up) or of the credit code
 * (4 characters and up); exact name first, then name prefix, then substring, then credit code
 * matches; shorter names first within each. q must be normalised (domain_search_normalise). */
store_rc store_unit_search(db_conn *c, const char *q, int offset, int limit, unit_page *out);
store_rc store_unit_get(db_conn *c, int64_t id, unit_row *out);
store_rc store_unit_by_code(db_conn *c, const char *credit_code, unit_row *out);

/* The back office's unit list (单位管理). */
typedef struct unit_filter {
	int64_t scope_root;                      /* 0: every unit */
	const char *district_code, *street_code; /* NULL or "": any */
	int has_union;                           /* -1: any, 0: 未建会, 1: 已建会 */
} unit_filter;
/* The keyword search (q normalised) or, with q NULL, every unit newest first, narrowed by f
 * (NULL: no filter). A unit is within a scope when its street's union or its own union is.
 * The total is capped as for the search. */
store_rc store_unit_search_filtered(db_conn *c, const char *q, const unit_filter *f, int offset,
				    int limit, unit_page *out);
/* Is the unit's street union or its own union at or below root? */
store_rc store_unit_within(db_conn *c, const unit_row *u, int64_t root, bool *within);
/* Writes name, address, district and street (the credit code never changes); a new name gets
 * new search grams and the counts follow. */
store_rc store_unit_update(db_conn *c, const unit_row *u);
/* Links the unit to its grassroots union (0: none) and sets has_union to match. */
store_rc store_unit_set_union(db_conn *c, int64_t unit_id, int64_t union_org_id);

/* ---- applications (办事申请) and their timeline ---- */
enum { APP_DATA_MAX = 8192 };

typedef struct app_row {
	int64_t id, worker_id, org_id, consent_id, handler_id;
	char ref[32], kind[16], status[16], request_id[64];
	char data[APP_DATA_MAX]; /* the form as JSON text */
	char reason[640];
	int version;
	int64_t created_at, updated_at, submitted_at, decided_at;
} app_row;

typedef struct app_new {
	int64_t worker_id, consent_id;
	const char *kind, *status, *data, *request_id, *ref_prefix;
} app_new;

/* Creates the application and gives it a reference number (PREFIX + YYYYMMDD + id).
 * STORE_CONFLICT: the worker has an open application of that kind, or the request id was used. */
store_rc store_app_create(db_conn *c, const app_new *a, int64_t now, int64_t *id);
store_rc store_app_get(db_conn *c, int64_t id, app_row *out);
store_rc store_app_by_request(db_conn *c, int64_t worker_id, const char *request_id,
			      app_row *out);
/* The worker's open application of a kind, if any. */
store_rc store_app_open_of(db_conn *c, int64_t worker_id, const char *kind, app_row *out);

typedef struct app_change {
	int64_t id;
	int expected_version;
	const char *from_status, *to_status;
	bool still_open;      /* the new status is undecided */
	const char *data;     /* NULL: unchanged */
	int64_t org_id;       /* 0: unchanged */
	int64_t handler_id;   /* 0: unchanged */
	const char *reason;   /* NULL: cleared */
	bool submitted, decided; /* stamp submitted_at / decided_at with now */
} app_change;

/* Applies a transition if the row is still at (from_status, expected_version): exactly one
 * of two racing reviewers wins; the other gets STORE_CONFLICT. */
store_rc store_app_change(db_conn *c, const app_change *ch, int64_t now);
store_rc store_app_delete(db_conn *c, int64_t id, int expected_version);

typedef struct app_event {
	int64_t at, actor_id;
	char actor_kind[16], actor_name[128], action[24], to_status[16], note[640];
} app_event;
store_rc store_app_event_add(db_conn *c, int64_t app_id, const char *actor_kind, int64_t actor_id,
			     const char *actor_name, const char *action, const char *to_status,
			     const char *note, int64_t now);
store_rc store_app_events(db_conn *c, int64_t app_id, app_event *out, int max, int *n);

/* One line of 我的办事: only what the list shows; the strings live in the caller's arena. */
typedef struct app_item {
	int64_t id, updated_at, submitted_at; /* submitted_at 0: never */
	const char *ref, *kind, *status, *reason; /* reason "": none */
	int version;
} app_item;
/* The worker's open application of a kind as a list line (strings in mem). */
store_rc store_app_open_item(db_conn *c, arena *mem, int64_t worker_id, const char *kind,
			     app_item *out);
/* 我的办事 in one pass over the worker's applications, newest first: counts[i] gets how many
 * have status names[i]; out gets a page (skip offset, at most limit items) of those whose
 * status is names[i] with listed[i] (listed NULL: of all of them). */
store_rc store_app_list_worker(db_conn *c, arena *mem, int64_t worker_id,
			       const char *const *names, int nnames, const bool *listed,
			       int offset, int limit, int64_t *counts, app_item *out, int *n);

typedef struct app_queue_filter {
	int64_t org_id;      /* the union whose queue (or subtree root) */
	bool subtree;        /* include every organisation below org_id */
	const char *status;  /* NULL: all but drafts */
	const char *kind;    /* NULL: all */
	int64_t from, to;    /* submitted_at range, 0: open */
	const char *q;       /* ref or applicant name, NULL: none */
} app_queue_filter;

typedef struct app_queue_row {
	app_row app;
	char applicant_name[256], applicant_phone[16], org_name[256], handler_name[256];
} app_queue_row;

store_rc store_app_queue(db_conn *c, const app_queue_filter *f, int offset, int limit,
			 app_queue_row *out, int *n, int64_t *total);
/* True when org_id is ancestor or itself below (or equal to) root. */
store_rc store_org_within(db_conn *c, int64_t org_id, int64_t root, bool *within);

/* ---- memberships (会籍) ---- */
typedef struct membership_row {
	int64_t id, worker_id, org_id, unit_id, joined_at, verified_at;
	char member_no[40], status[32], org_name[256], source[16];
	bool current;
} membership_row;

typedef struct membership_event_row {
	int64_t at, org_id;
	char status[32], org_name[256], application_ref[32], note[1024];
} membership_event_row;

store_rc store_membership_current(db_conn *c, int64_t worker_id, membership_row *out);
store_rc store_membership_get(db_conn *c, int64_t id, membership_row *out);
/* The current membership of the worker whose ID number has this blind index. */
store_rc store_membership_by_id_index(db_conn *c, const unsigned char idx[CRYPTO_HASH_LEN],
				      membership_row *out);
/* Every membership of the worker, newest first. */
store_rc store_membership_list(db_conn *c, int64_t worker_id, membership_row *out, int max,
			       int *n);

typedef struct membership_new {
	int64_t worker_id, org_id, unit_id; /* unit_id 0: none */
	const char *status;
	const char *source;          /* "online", "roster" or "registration" */
	const char *member_no;       /* NULL: XM + the year joined + the id in 8 digits */
	int64_t joined_at;           /* 0: now */
	int64_t verified_at;         /* 0: not yet verified (信息核实) */
	const char *application_ref; /* of the first event; may be NULL */
	const char *note;            /* of the first event */
} membership_new;

/* Creates a current membership and its first event. STORE_CONFLICT: the worker has a current
 * membership already, or the member number is taken. */
store_rc store_membership_create(db_conn *c, const membership_new *m, int64_t now,
				 membership_row *out);
/* Changes status/organisation/unit, ends it (current=false) when the status is not current,
 * and records the event. */
store_rc store_membership_change(db_conn *c, int64_t membership_id, const char *status,
				 int64_t org_id, int64_t unit_id, bool current,
				 const char *application_ref, const char *note, int64_t now);
/* 信息变更: writes m's organisation, unit, join date and member number, marks it verified and
 * records the event. The caller has checked that the number is free (store_member_no_holders
 * under the roster lock): a taken one fails the statement, and on PostgreSQL the transaction. */
store_rc store_membership_correct(db_conn *c, const membership_row *m, const char *application_ref,
				  const char *note, int64_t now);
/* 信息核实: the member confirmed the record. */
store_rc store_membership_verify(db_conn *c, int64_t membership_id, int64_t now);
/* Current memberships at org that came through unit. */
store_rc store_membership_count_at(db_conn *c, int64_t org_id, int64_t unit_id, int64_t *n);
/* The unit now has its union: current memberships of the unit held by the organisations
 * held_by[0..nheld) (the street union that kept them, SPEC §5) move to union_org_id, each with
 * an event carrying note. *moved gets their number. */
store_rc store_membership_adopt(db_conn *c, int64_t unit_id, const int64_t *held_by, int nheld,
				int64_t union_org_id, const char *note, int64_t now, int64_t *moved);
store_rc store_membership_events(db_conn *c, int64_t membership_id, membership_event_row *out,
				 int max, int *n);

/* ---- offline rosters (线下会员名册), their conflicts (重复待处理) ---- */
typedef struct roster_entry_row {
	int64_t id, org_id, batch_id, worker_id, membership_id, application_id, created_at;
	int line;
	char org_name[256], name[256], id_masked[20], phone[16], joined_on[11], member_no[40];
	char status[16];
	unsigned char id_index[CRYPTO_HASH_LEN];
} roster_entry_row;

typedef struct roster_entry_new {
	int64_t org_id, batch_id;
	int line;
	const char *name, *id_masked, *phone, *joined_on, *member_no /* NULL: none */, *status;
	const unsigned char *id_cipher, *id_index;
	size_t id_cipher_len;
} roster_entry_new;

store_rc store_roster_batch_create(db_conn *c, int64_t org_id, int64_t staff_id, int rows,
				   int64_t now, int64_t *id);
/* STORE_CONFLICT: the person is in that organisation's roster, or the number is taken. */
store_rc store_roster_entry_add(db_conn *c, const roster_entry_new *e, int64_t now, int64_t *id);
store_rc store_roster_entry_get(db_conn *c, int64_t id, roster_entry_row *out);
/* Live (not set aside) entries with this ID number, oldest first. */
store_rc store_roster_entries_by_index(db_conn *c, const unsigned char idx[CRYPTO_HASH_LEN],
				       roster_entry_row *out, int max, int *n);
/* Live entries with the worker's ID number. */
store_rc store_roster_entries_of_worker(db_conn *c, int64_t worker_id, roster_entry_row *out,
					int max, int *n);
/* Writes e's status, worker, membership and application (0: none) if the entry is still at
 * from_status; STORE_CONFLICT otherwise. */
store_rc store_roster_entry_set(db_conn *c, const roster_entry_row *e, const char *from_status,
				int64_t now);
/* The import, set-based (src/api/rosters.c): each call takes up to STORE_ROSTER_CHUNK keys or
 * rows and hands every row found to fn as a roster_hit. */
enum { STORE_ROSTER_CHUNK = 256 };
typedef struct roster_hit {
	const unsigned char *idx; /* the blind index the row was found by (NULL: by member number) */
	const char *key;          /* the member number it was found by */
	int64_t id, org_id;       /* the row (entry, membership, worker, conflict) and its organisation
				     (a conflict's ancestor) */
	int line;
	const char *status;
} roster_hit;
typedef void (*roster_hit_fn)(void *ctx, const roster_hit *h);
typedef struct roster_conflict_item_new {
	int64_t conflict_id, entry_id, membership_id;
} roster_conflict_item_new;
/* Live roster entries with these ID numbers, oldest first. */
store_rc store_roster_entry_hits(db_conn *c, const unsigned char *const *idx, int n,
				 roster_hit_fn fn, void *ctx);
/* Current memberships of the workers with these ID numbers. */
store_rc store_membership_hits(db_conn *c, const unsigned char *const *idx, int n,
			       roster_hit_fn fn, void *ctx);
store_rc store_worker_hits(db_conn *c, const unsigned char *const *idx, int n, roster_hit_fn fn,
			   void *ctx);
/* Open conflicts of these ID numbers (org_id: the ancestor). */
store_rc store_conflict_open_hits(db_conn *c, const unsigned char *const *idx, int n,
				  roster_hit_fn fn, void *ctx);
/* Member numbers taken by a membership and/or a live roster entry (one hit for each). */
store_rc store_member_no_hits(db_conn *c, const char *const *nos, int n, roster_hit_fn fn,
			      void *ctx);
/* The entries of one import batch (id, line, id_index). */
store_rc store_roster_batch_hits(db_conn *c, int64_t batch_id, roster_hit_fn fn, void *ctx);
/* Inserts the entries; STORE_CONFLICT if one of them could not be (checked under the lock). */
store_rc store_roster_entries_add(db_conn *c, const roster_entry_new *e, int n, int64_t now);
/* Opens one conflict for each ID number. */
store_rc store_conflicts_create(db_conn *c, const unsigned char *const *idx,
				const char *const *id_masked, const int64_t *ancestor, int n,
				int64_t now);
store_rc store_conflict_items_add(db_conn *c, const roster_conflict_item_new *it, int n);
/* Marks unlinked entries flagged; STORE_CONFLICT if one was not unlinked any more. */
store_rc store_roster_entries_flag(db_conn *c, const int64_t *ids, int n, int64_t now);
/* Who holds a member number: a membership (any, current or not) and/or a live roster entry
 * (0 when none). STORE_NOTFOUND when nobody does. */
store_rc store_member_no_holders(db_conn *c, const char *member_no, int64_t *membership_id,
				 int64_t *entry_id);

typedef struct roster_filter {
	int64_t root;                   /* the organisation and its subtree */
	int64_t after_id;               /* entries after this id (keyset paging); 0: from the start */
	const char *status;             /* NULL: all */
	const char *q;                  /* part of the name, or the member number; NULL: none */
	const char *phone;              /* exact; NULL: none */
	const unsigned char *id_index;  /* exact ID number; NULL: none */
} roster_filter;
/* Entries in id order; total (may be NULL: not counted) gets their number. */
store_rc store_roster_list(db_conn *c, const roster_filter *f, int offset, int limit,
			   roster_entry_row *out, int *n, int64_t *total);

typedef struct roster_conflict_row {
	int64_t id, ancestor_org_id, created_at, resolved_at, resolved_by;
	int64_t kept_entry_id, kept_membership_id;
	char id_masked[20], status[16], ancestor_name[256];
	unsigned char id_index[CRYPTO_HASH_LEN];
} roster_conflict_row;

typedef struct roster_conflict_item_row {
	int64_t entry_id, membership_id, org_id, joined_at; /* joined_at: memberships */
	char org_name[256], name[256], joined_on[11], member_no[40], status[32];
	bool current; /* a membership that is current */
} roster_conflict_item_row;

store_rc store_conflict_open_of(db_conn *c, const unsigned char idx[CRYPTO_HASH_LEN],
				roster_conflict_row *out);
store_rc store_conflict_create(db_conn *c, const unsigned char idx[CRYPTO_HASH_LEN],
			       const char *id_masked, int64_t ancestor_org_id, int64_t now,
			       int64_t *id);
store_rc store_conflict_set_ancestor(db_conn *c, int64_t id, int64_t ancestor_org_id);
/* Adds a roster entry (membership_id 0) or a membership (entry_id 0); once each. */
store_rc store_conflict_item_add(db_conn *c, int64_t conflict_id, int64_t entry_id,
				 int64_t membership_id);
store_rc store_conflict_get(db_conn *c, int64_t id, roster_conflict_row *out);
store_rc store_conflict_items(db_conn *c, int64_t id, roster_conflict_item_row *out, int max,
			      int *n);
/* Conflicts whose ancestor is at or below root; status NULL: all. */
store_rc store_conflict_list(db_conn *c, int64_t root, const char *status, int offset, int limit,
			     roster_conflict_row *out, int *n, int64_t *total);
/* Marks an open conflict resolved; STORE_CONFLICT when it was resolved meanwhile. */
store_rc store_conflict_resolve(db_conn *c, int64_t id, int64_t staff_id, int64_t keep_entry_id,
				int64_t keep_membership_id, int64_t now);

/* A notice to an organisation's back office (e.g. a member below it was expelled). */
store_rc store_org_notice_add(db_conn *c, int64_t org_id, const char *text, const char *ref,
			      int64_t now);

/* ---- password recovery (找回密码), mail tokens, appeals (人工申诉) ---- */
store_rc store_captcha_create(db_conn *c, const unsigned char id_hash[CRYPTO_HASH_LEN],
			      const unsigned char answer_hash[CRYPTO_HASH_LEN], const char *client,
			      int64_t now, int64_t ttl);
/* Captchas this client made since `since`. */
store_rc store_captcha_count(db_conn *c, const char *client, int64_t since, int64_t *n);
/* Uses the captcha up (right or wrong: one use) and says whether the answer matched. */
store_rc store_captcha_consume(db_conn *c, const unsigned char id_hash[CRYPTO_HASH_LEN],
			       const unsigned char answer_hash[CRYPTO_HASH_LEN], int64_t now,
			       bool *ok);
store_rc store_recovery_create(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
			       int64_t worker_id, int64_t now, int64_t ttl);
/* A live recovery: *worker_id is 0 when the username matched nobody. */
store_rc store_recovery_get(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN], int64_t now,
			    int64_t *worker_id);
store_rc store_recovery_delete_for(db_conn *c, int64_t worker_id);

typedef enum { MAIL_TOKEN_OK, MAIL_TOKEN_UNKNOWN, MAIL_TOKEN_USED, MAIL_TOKEN_EXPIRED } mail_token_state;
store_rc store_mail_token_create(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
				 int64_t worker_id, const char *purpose, const char *email,
				 int64_t now, int64_t ttl);
/* Uses a token once; says why not when it cannot. email (256 bytes) gets the token's e-mail. */
store_rc store_mail_token_consume(db_conn *c, const unsigned char hash[CRYPTO_HASH_LEN],
				  const char *purpose, int64_t now, mail_token_state *state,
				  int64_t *worker_id, char email[256]);
store_rc store_worker_by_email(db_conn *c, const char *email, account_row *out);
/* After an approved appeal the account belongs to the appellant: the old holder's password
 * (replaced by an unusable hash) and e-mail stop working. */
store_rc store_worker_reset_credentials(db_conn *c, int64_t worker_id, const char *unusable_hash,
					int64_t now);
/* Sets the verified e-mail; STORE_CONFLICT when another worker has it verified. */
store_rc store_worker_set_email(db_conn *c, int64_t worker_id, const char *email, int64_t now);

typedef struct appeal_row {
	int64_t id, worker_id, decided_by, created_at, decided_at;
	char ref[32], name[256], id_masked[20], phone[16], reason[1024], status[16];
	char decision_reason[640];
	unsigned char id_index[CRYPTO_HASH_LEN];
	int photos;
} appeal_row;

typedef struct appeal_new {
	const char *name, *id_masked, *phone, *reason, *client;
	const unsigned char *id_cipher, *id_index;
	size_t id_cipher_len;
} appeal_new;

store_rc store_appeal_create(db_conn *c, const appeal_new *a, int64_t now, int64_t *id,
			     char ref[32]);
store_rc store_appeal_photo_add(db_conn *c, int64_t appeal_id, int n, const char *mime,
				const void *data, size_t len);
store_rc store_appeal_get(db_conn *c, int64_t id, appeal_row *out);
store_rc store_appeal_list(db_conn *c, const char *status, int offset, int limit, appeal_row *out,
			   int *n, int64_t *total);
/* Copies photo n into a malloc'd buffer (*data, caller frees). */
store_rc store_appeal_photo(db_conn *c, int64_t appeal_id, int n, char mime[32], void **data,
			    size_t *len);
/* Decides a pending appeal; STORE_CONFLICT when it was decided meanwhile. */
store_rc store_appeal_decide(db_conn *c, int64_t id, const char *status, const char *reason,
			     int64_t worker_id, int64_t staff_id, int64_t now);

/* ---- back office: organisation tree, staff, member register, audit, dashboard ---- */
typedef struct org_node {
	org_row org;
	int64_t children, members;
} org_node;

/* Children of parent (0: none) ordered by code, with counts. */
store_rc store_org_children(db_conn *c, int64_t parent_id, org_node *out, int max, int *n);
typedef struct org_hit {
	org_row org;
	char parent_name[256];
} org_hit;
/* Grassroots unions right below root or below a non-grassroots organisation under it whose
 * name contains pattern (lower case, ASCII folded; % and _ are matched literally): at most
 * max, in no particular order. */
store_rc store_org_search(db_conn *c, int64_t root, const char *pattern, org_hit *out, int max,
			  int *n);
/* Renames and/or moves (0 / NULL: unchanged). */
store_rc store_org_update(db_conn *c, int64_t id, const char *name, int64_t parent_id);
/* What still hangs on an organisation: current members, open applications, active children. */
store_rc store_org_load(db_conn *c, int64_t id, int64_t *members, int64_t *open_apps,
			int64_t *children);
/* Moves current memberships (recording history), open applications and roster entries not yet
 * linked to another organisation, then marks the organisation inactive. */
store_rc store_org_deactivate(db_conn *c, int64_t id, int64_t move_to, const char *note,
			      int64_t now);

typedef struct staff_row {
	int64_t id, org_id, created_at;
	char phone[16], name[256], role[24], org_name[256];
	bool disabled;
} staff_row;
/* Staff whose organisation is at or below root. */
store_rc store_staff_list(db_conn *c, int64_t root, int offset, int limit, staff_row *out, int *n,
			  int64_t *total);
store_rc store_staff_update(db_conn *c, int64_t id, const char *role, int64_t org_id,
			    int disabled /* -1: unchanged */);

typedef struct audit_filter {
	const char *actor_kind, *action, *target;
	int64_t actor_id, from, to;
} audit_filter;
typedef struct audit_row {
	int64_t id, at, actor_id;
	char actor_kind[16], action[64], target[64], client[64], detail[256];
} audit_row;
store_rc store_audit_list(db_conn *c, const audit_filter *f, int offset, int limit, audit_row *out,
			  int *n, int64_t *total);

typedef struct member_filter {
	int64_t root, org_id; /* scope root; a single organisation within it (0: all) */
	const char *name, *phone, *status;
	const unsigned char *id_index; /* exact ID number through the blind index */
} member_filter;
typedef struct member_row {
	int64_t membership_id, worker_id, org_id, joined_at;
	char member_no[40], status[32], org_name[256], name[256], phone[16], id_masked[20];
} member_row;
store_rc store_member_search(db_conn *c, const member_filter *f, int offset, int limit,
			     member_row *out, int *n, int64_t *total);

typedef struct count_row {
	char key[256];
	int64_t n;
} count_row;
/* Current members by status, and by the organisations right below root. */
store_rc store_members_by_status(db_conn *c, int64_t root, count_row *out, int max, int *n);
store_rc store_members_by_child_org(db_conn *c, int64_t root, count_row *out, int max, int *n);
store_rc store_apps_by_status(db_conn *c, int64_t root, count_row *out, int max, int *n);
/* Seconds from submission to decision over decided applications: count, median, 90th. */
store_rc store_decision_times(db_conn *c, int64_t root, int64_t *count, int64_t *median,
			      int64_t *p90);
/* Submission times of undecided applications (up to max). */
store_rc store_open_submitted(db_conn *c, int64_t root, int64_t *out, int max, int *n);

/* ---- meta, consent (同意记录), audit log (审计日志) ---- */
store_rc store_meta_get(db_conn *c, const char *key, char *out, size_t outlen);
store_rc store_meta_put(db_conn *c, const char *key, const char *value);
store_rc store_consent_add(db_conn *c, subject_kind kind, int64_t subject_id, const char *document,
			   const char *version, const char *client, int64_t now);
/* Records consent and returns its id. */
store_rc store_consent_record(db_conn *c, subject_kind kind, int64_t subject_id,
			      const char *document, const char *version, const char *client,
			      int64_t now, int64_t *id);
/* True when consent id belongs to the subject and document, and no application uses it yet. */
store_rc store_consent_usable(db_conn *c, int64_t id, int64_t subject_id, const char *document,
			      bool *usable);
store_rc store_audit(db_conn *c, const char *actor_kind, int64_t actor_id, const char *action,
		     const char *target, const char *client, const char *detail, int64_t now);
#endif
