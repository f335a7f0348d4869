/* rosters.h — offline rosters between the back office (rosters.c) and the worker side
 * (verification.c, login.c): linking an account to its roster entry, flagging the same person
 * in two organisations, and the 会员信息认领 the system opens for another phone. Every function
 * runs inside the caller's write transaction; all but roster_link_worker (which takes it when
 * it has something to link) expect the caller to hold the roster lock. */
#ifndef GONGHUI_API_ROSTERS_H
#define GONGHUI_API_ROSTERS_H
#include <stdbool.h>
#include <stdint.h>

#include "http/request.h"
#include "store/store.h"

/* Serialises roster and member-number writes (imports, links, conflicts, numbers given from
 * outside) across nodes; SQLite writers are serialised already. */
bool roster_lock(http_request *r);

typedef enum { LINK_NONE, LINK_LINKED, LINK_CLAIM, LINK_FLAGGED } link_result;

/* Links the worker's unlinked roster entry, if any (at SMS login, 信息完善, password login):
 * the same phone → a current membership from the entry (source roster, not yet verified);
 * another phone → a 会员信息认领 application; a current membership in the same organisation →
 * the entry is linked to it; one elsewhere → both are flagged to the common ancestor. Flagged,
 * linked and claimed entries are left alone, so calling it again changes nothing. */
bool roster_link_worker(http_request *r, const account_row *w);
/* The same for one entry whose account is known (at import, after a conflict is resolved). */
bool roster_link_entry(http_request *r, roster_entry_row *e, const account_row *w,
		       link_result *out);
/* A current membership made from the entry (approval of a claim, or the same phone), and the
 * entry linked to it. STORE_CONFLICT when the worker has a current membership meanwhile. */
store_rc roster_membership_from(http_request *r, roster_entry_row *e, int64_t worker_id,
				const char *application_ref, const char *note);

/* One side of a conflict: a roster entry or a current membership, and its organisation. */
typedef struct roster_party {
	int64_t entry_id, membership_id, org_id;
	bool flagged; /* an entry written as flagged already (the imported line itself) */
} roster_party;
/* Flags the parties (the person with this ID number) to their lowest common ancestor, in the
 * person's open conflict (made if there is none). Entries become flagged; an open claim on one
 * of them is closed by the system. */
bool roster_flag(http_request *r, const unsigned char idx[CRYPTO_HASH_LEN], const char *id_masked,
		 const roster_party *parties, int n);

/* verification.c: opens the 会员信息认领 of entry e for account w (another phone), submitted
 * to the entry's organisation by 系统, and marks the entry claimed. */
bool claim_open(http_request *r, roster_entry_row *e, const account_row *w);
/* verification.c: closes an open claim as 审核不通过 by 系统 (its entry was flagged). */
bool claim_close(http_request *r, int64_t application_id, const char *reason);

/* Dates of the roster and of memberships: YYYY-MM-DD ↔ 00:00 China Standard Time. */
int64_t roster_day_start(int y, int m, int d);
void roster_date_of(int64_t t, char out[11]);
#endif
