/* kinds.h — what each kind of application (办事事项) brings to the shared engine in
 * applications.c: its agreement, how its form is checked, where it is routed, what approval
 * does. 网上入会 is in join.c, 会籍变更 in transfer.c, 信息变更, 信息登记 and 会员信息认领 in
 * verification.c. */
#ifndef GONGHUI_API_KINDS_H
#define GONGHUI_API_KINDS_H
#include <jansson.h>
#include <stdbool.h>

#include "domain/application.h"
#include "http/request.h"
#include "store/store.h"

typedef struct app_kind_ops {
	app_kind kind;
	const char *agreement_document; /* consent.document of its agreement */
	const char *agreement_version, *agreement_title, *agreement_text;
	/* Can this worker start one now? Fills reason on refusal. */
	bool (*eligible)(http_request *r, const char **reason);
	/* Checks data (format only unless submit). On failure responds (400/422) and returns
	 * false. On success may rewrite data into its canonical form. */
	bool (*check)(http_request *r, json_t *data, bool submit);
	/* Where a submitted application goes: the reviewing organisation. */
	bool (*route)(http_request *r, json_t *data, int64_t *org_id);
	const char *route_field; /* the field named when route finds none (NULL: data.work_street) */
	/* Inside the decision's transaction: the effect of approval. On refusal may set *why to
	 * the reason the reviewer reads (else the application changed meanwhile). */
	bool (*approve)(http_request *r, const app_row *a, json_t *data, const char **why);
	/* Inside the decision's transaction, after 不通过 (may be NULL). */
	bool (*rejected)(http_request *r, const app_row *a, json_t *data);
	/* Made by the system only (会员信息认领): no agreement, the worker neither files, edits
	 * nor withdraws it, and reviewers approve or reject it but do not return it. */
	bool system_only;
	/* Chinese text for the page after 提交. */
	const char *next_steps;
	/* Extra display fields for the detail page (names of codes, the applicant's facts). */
	json_t *(*display)(http_request *r, const app_row *a, json_t *data);
} app_kind_ops;

const app_kind_ops *kind_ops(app_kind k);
extern const app_kind_ops join_ops;
extern const app_kind_ops transfer_ops;
extern const app_kind_ops correction_ops, registration_ops, claim_ops;
bool join_eligible(http_request *r, const char **reason);
/* May the worker file (or a reviewer approve) a membership made outside 网上入会: the
 * roster-related blocks of joining (an open 信息登记 or 认领, a flagged roster entry). */
typedef struct roster_blocks {
	bool open_registration, open_claim, flagged;
} roster_blocks;
bool roster_blocks_of(http_request *r, int64_t worker_id, roster_blocks *b);

/* The kind's agreement (GET), and 【同意】: records consent (version, time, client address)
 * for an eligible worker and answers 201 {"consent_id"}. */
void app_agreement(http_request *r, app_kind k);
void app_consent(http_request *r, app_kind k);

/* Routing (routing.c): never to a deactivated organisation. */
/* The unit's grassroots union when it has one and it is active, else 0. */
int64_t route_unit_union(http_request *r, const unit_row *u);
/* org_id itself when active, else its nearest active ancestor. */
bool route_active(http_request *r, int64_t org_id, int64_t *out);
/* The union of a 镇街 (region code), or its nearest active ancestor. */
bool route_street_union(http_request *r, const char *street, int64_t *org_id);

/* Applies action to a (already loaded) inside the caller's transaction: checks the state
 * machine, updates the row if nobody changed it meanwhile, records the timeline event.
 * extra may set data, org_id, handler_id, reason. Returns STORE_OK, STORE_CONFLICT (stale
 * version or not allowed from this status) or STORE_ERR. */
store_rc app_apply(http_request *r, const app_row *a, app_action action, app_change *extra,
		   const char *actor_kind, const char *actor_name);
/* The application as JSON for its owner (staff=false) or a reviewer (staff=true). */
json_t *render_app(http_request *r, const app_row *a, bool staff);
/* Loads an application and its kind; responds 404 when missing. */
bool load_app(http_request *r, int64_t id, app_row *a, app_kind *kind);
/* Reads the :id path parameter; responds 404 when it is not a positive integer. */
bool path_id(http_request *r, int64_t *id);
#endif
