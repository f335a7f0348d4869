/* migrate.c — the schema, version by version. SQL is written once; @ID@, @BLOB@ and @BOOL@
 * are replaced per engine. Times are seconds since the epoch in BIGINT columns. */
#include "store/migrate.h"

#include <stdlib.h>

#include "util/alloc.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"

typedef struct migration {
	int version;
	const char *name;
	const char *sql;
} migration;

static const migration migrations[] = {
	{1, "foundation",
	 "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	 "CREATE TABLE region (code TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,"
	 "  parent_code TEXT);"
	 "CREATE TABLE org (id @ID@, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	 "  kind TEXT NOT NULL, parent_id BIGINT REFERENCES org(id), region_code TEXT,"
	 "  active INTEGER NOT NULL DEFAULT 1, created_at BIGINT NOT NULL);"
	 "CREATE INDEX org_parent ON org(parent_id);"
	 "CREATE TABLE unit (id @ID@, name TEXT NOT NULL, credit_code TEXT NOT NULL UNIQUE,"
	 "  district_code TEXT NOT NULL, street_code TEXT NOT NULL,"
	 "  address TEXT NOT NULL DEFAULT '', has_union INTEGER NOT NULL DEFAULT 0,"
	 "  union_org_id BIGINT REFERENCES org(id), created_at BIGINT NOT NULL);"
	 "CREATE TABLE worker (id @ID@, phone TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	 "  id_cipher @BLOB@ NOT NULL, id_index @BLOB@ NOT NULL UNIQUE, id_masked TEXT NOT NULL,"
	 "  gender INTEGER NOT NULL, birth_date TEXT NOT NULL, email TEXT,"
	 "  email_verified INTEGER NOT NULL DEFAULT 0, password_hash TEXT NOT NULL,"
	 "  failed_logins INTEGER NOT NULL DEFAULT 0, locked_until BIGINT NOT NULL DEFAULT 0,"
	 "  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
	 "CREATE TABLE staff (id @ID@, phone TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	 "  role TEXT NOT NULL, org_id BIGINT NOT NULL REFERENCES org(id),"
	 "  password_hash TEXT NOT NULL, failed_logins INTEGER NOT NULL DEFAULT 0,"
	 "  locked_until BIGINT NOT NULL DEFAULT 0, disabled INTEGER NOT NULL DEFAULT 0,"
	 "  created_at BIGINT NOT NULL);"
	 "CREATE TABLE session (token_hash @BLOB@ PRIMARY KEY, subject_kind INTEGER NOT NULL,"
	 "  subject_id BIGINT NOT NULL, csrf_token TEXT NOT NULL, bearer INTEGER NOT NULL,"
	 "  created_at BIGINT NOT NULL, last_seen BIGINT NOT NULL, client TEXT NOT NULL);"
	 "CREATE INDEX session_subject ON session(subject_kind, subject_id);"
	 "CREATE TABLE sms_code (id @ID@, phone TEXT NOT NULL, purpose TEXT NOT NULL,"
	 "  code_hash @BLOB@ NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,"
	 "  tries INTEGER NOT NULL DEFAULT 0, used INTEGER NOT NULL DEFAULT 0);"
	 "CREATE INDEX sms_code_phone ON sms_code(phone, purpose, id);"
	 "CREATE TABLE sms_send (id @ID@, phone TEXT NOT NULL, client TEXT NOT NULL,"
	 "  at BIGINT NOT NULL);"
	 "CREATE INDEX sms_send_phone ON sms_send(phone, at);"
	 "CREATE INDEX sms_send_client ON sms_send(client, at);"
	 "CREATE TABLE login_failure (id @ID@, client TEXT NOT NULL, at BIGINT NOT NULL);"
	 "CREATE INDEX login_failure_client ON login_failure(client, at);"
	 "CREATE TABLE phone_proof (token_hash @BLOB@ PRIMARY KEY, phone TEXT NOT NULL,"
	 "  purpose TEXT NOT NULL, expires_at BIGINT NOT NULL, used INTEGER NOT NULL DEFAULT 0);"
	 "CREATE TABLE outbox (id @ID@, channel TEXT NOT NULL, recipient TEXT NOT NULL,"
	 "  subject TEXT NOT NULL DEFAULT '', body TEXT NOT NULL,"
	 "  sensitive INTEGER NOT NULL DEFAULT 0, created_at BIGINT NOT NULL,"
	 "  next_attempt_at BIGINT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
	 "  claimed_until BIGINT NOT NULL DEFAULT 0, sent_at BIGINT, last_error TEXT);"
	 "CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE sent_at IS NULL;"
	 "CREATE TABLE consent (id @ID@, subject_kind INTEGER NOT NULL,"
	 "  subject_id BIGINT NOT NULL, document TEXT NOT NULL, version TEXT NOT NULL,"
	 "  at BIGINT NOT NULL, client TEXT NOT NULL);"
	 "CREATE INDEX consent_subject ON consent(subject_kind, subject_id);"
	 "CREATE TABLE audit_log (id @ID@, at BIGINT NOT NULL, actor_kind TEXT NOT NULL,"
	 "  actor_id BIGINT, action TEXT NOT NULL, target TEXT, client TEXT NOT NULL,"
	 "  detail TEXT);"
	 "CREATE INDEX audit_log_at ON audit_log(at);"},
	{2, "unit search grams",
	 /* One row per unit and gram, in index order (gram, kind, name length, unit): a search
	  * reads its first page straight off the primary key, already ranked. */
	 "CREATE TABLE unit_gram (gram TEXT NOT NULL, kind INTEGER NOT NULL,"
	 "  name_len INTEGER NOT NULL, unit_id BIGINT NOT NULL REFERENCES unit(id) ON DELETE CASCADE,"
	 "  PRIMARY KEY (gram, kind, name_len, unit_id)) @WITHOUT_ROWID@;"
	 "CREATE INDEX unit_gram_unit ON unit_gram(unit_id);"
	 "CREATE INDEX unit_union ON unit(union_org_id);"},
	{3, "applications and memberships",
	 "CREATE TABLE membership (id @ID@, worker_id BIGINT NOT NULL REFERENCES worker(id),"
	 "  member_no TEXT UNIQUE, org_id BIGINT NOT NULL REFERENCES org(id),"
	 "  unit_id BIGINT REFERENCES unit(id), status TEXT NOT NULL, joined_at BIGINT NOT NULL,"
	 "  is_current INTEGER NOT NULL DEFAULT 1, created_at BIGINT NOT NULL,"
	 "  updated_at BIGINT NOT NULL);"
	 "CREATE UNIQUE INDEX membership_one_current ON membership(worker_id) WHERE is_current = 1;"
	 "CREATE INDEX membership_worker ON membership(worker_id, id);"
	 "CREATE INDEX membership_org ON membership(org_id, status);"
	 /* Every change of organisation or status, never overwritten (SPEC §5). */
	 "CREATE TABLE membership_event (id @ID@,"
	 "  membership_id BIGINT NOT NULL REFERENCES membership(id), at BIGINT NOT NULL,"
	 "  status TEXT NOT NULL, org_id BIGINT NOT NULL REFERENCES org(id), unit_id BIGINT,"
	 "  application_ref TEXT, note TEXT);"
	 "CREATE INDEX membership_event_m ON membership_event(membership_id, id);"
	 "CREATE TABLE application (id @ID@, ref TEXT UNIQUE,"
	 "  worker_id BIGINT NOT NULL REFERENCES worker(id), kind TEXT NOT NULL,"
	 "  status TEXT NOT NULL, open_kind TEXT, org_id BIGINT REFERENCES org(id),"
	 "  data TEXT NOT NULL, consent_id BIGINT REFERENCES consent(id),"
	 "  request_id TEXT NOT NULL, handler_id BIGINT REFERENCES staff(id), reason TEXT,"
	 "  version INTEGER NOT NULL DEFAULT 1, created_at BIGINT NOT NULL,"
	 "  updated_at BIGINT NOT NULL, submitted_at BIGINT, decided_at BIGINT);"
	 /* open_kind is the kind while undecided and NULL after: one open application per kind. */
	 "CREATE UNIQUE INDEX application_open ON application(worker_id, open_kind);"
	 "CREATE UNIQUE INDEX application_request ON application(worker_id, request_id);"
	 "CREATE INDEX application_worker ON application(worker_id, updated_at);"
	 "CREATE INDEX application_queue ON application(org_id, status, submitted_at);"
	 "CREATE TABLE application_event (id @ID@,"
	 "  application_id BIGINT NOT NULL REFERENCES application(id) ON DELETE CASCADE,"
	 "  at BIGINT NOT NULL, actor_kind TEXT NOT NULL, actor_id BIGINT, actor_name TEXT,"
	 "  action TEXT NOT NULL, to_status TEXT NOT NULL, note TEXT);"
	 "CREATE INDEX application_event_app ON application_event(application_id, id);"},
	{4, "organisation notices",
	 "CREATE TABLE org_notice (id @ID@, org_id BIGINT NOT NULL REFERENCES org(id),"
	 "  at BIGINT NOT NULL, text TEXT NOT NULL, application_ref TEXT,"
	 "  read_at BIGINT);"
	 "CREATE INDEX org_notice_org ON org_notice(org_id, id);"},
	{5, "password recovery, e-mail binding and appeals",
	 "CREATE TABLE captcha (id_hash @BLOB@ PRIMARY KEY, answer_hash @BLOB@ NOT NULL,"
	 "  client TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,"
	 "  used INTEGER NOT NULL DEFAULT 0);"
	 "CREATE INDEX captcha_client ON captcha(client, created_at);"
	 /* A started recovery; for a username that matches nobody worker_id holds a negative
	  * stand-in, so that the following pages (and their limits) behave the same either way. */
	 "CREATE TABLE recovery (token_hash @BLOB@ PRIMARY KEY, worker_id BIGINT,"
	 "  created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL);"
	 "CREATE TABLE mail_token (token_hash @BLOB@ PRIMARY KEY,"
	 "  worker_id BIGINT NOT NULL REFERENCES worker(id), purpose TEXT NOT NULL, email TEXT,"
	 "  created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT);"
	 "CREATE TABLE appeal (id @ID@, ref TEXT UNIQUE, name TEXT NOT NULL,"
	 "  id_cipher @BLOB@ NOT NULL, id_index @BLOB@ NOT NULL, id_masked TEXT NOT NULL,"
	 "  phone TEXT NOT NULL, reason TEXT NOT NULL, status TEXT NOT NULL,"
	 "  decision_reason TEXT, worker_id BIGINT, decided_by BIGINT, client TEXT NOT NULL,"
	 "  created_at BIGINT NOT NULL, decided_at BIGINT);"
	 "CREATE INDEX appeal_status ON appeal(status, id);"
	 "CREATE TABLE appeal_photo (id @ID@,"
	 "  appeal_id BIGINT NOT NULL REFERENCES appeal(id) ON DELETE CASCADE,"
	 "  n INTEGER NOT NULL, mime TEXT NOT NULL, data @BLOB@ NOT NULL);"
	 "CREATE INDEX appeal_photo_appeal ON appeal_photo(appeal_id, n);"
	 "CREATE INDEX worker_email ON worker(email);"},
	{6, "unit gram counts",
	 /* How many units carry each gram: a search scans its query's rarest pair. */
	 "CREATE TABLE unit_gram_count (gram TEXT NOT NULL, kind INTEGER NOT NULL,"
	 "  n BIGINT NOT NULL, PRIMARY KEY (gram, kind));"
	 "INSERT INTO unit_gram_count (gram, kind, n) SELECT gram, kind, COUNT(*) FROM unit_gram"
	 "  GROUP BY gram, kind;"},
	{7, "staff login challenges",
	 /* The second factor of a staff login: made when the password was right, used once with
	  * the SMS code sent to the staff phone; ends after max wrong codes. */
	 "CREATE TABLE staff_challenge (token_hash @BLOB@ PRIMARY KEY,"
	 "  staff_id BIGINT NOT NULL REFERENCES staff(id), created_at BIGINT NOT NULL,"
	 "  expires_at BIGINT NOT NULL, tries INTEGER NOT NULL DEFAULT 0,"
	 "  used INTEGER NOT NULL DEFAULT 0);"
	 "CREATE INDEX staff_challenge_staff ON staff_challenge(staff_id);"},
	{8, "offline rosters and 信息核实与登记",
	 /* Where a membership came from: an approved join (online), an offline roster linked to
	  * the account (roster; verified once the member checks it), or 信息登记 (registration). */
	 "ALTER TABLE membership ADD COLUMN source TEXT NOT NULL DEFAULT 'online';"
	 "ALTER TABLE membership ADD COLUMN verified_at BIGINT;"
	 "CREATE TABLE roster_batch (id @ID@, org_id BIGINT NOT NULL REFERENCES org(id),"
	 "  staff_id BIGINT NOT NULL REFERENCES staff(id), rows INTEGER NOT NULL,"
	 "  created_at BIGINT NOT NULL);"
	 "CREATE TABLE roster_entry (id @ID@, org_id BIGINT NOT NULL REFERENCES org(id),"
	 "  batch_id BIGINT NOT NULL REFERENCES roster_batch(id), line INTEGER NOT NULL,"
	 "  name TEXT NOT NULL, id_cipher @BLOB@ NOT NULL, id_index @BLOB@ NOT NULL,"
	 "  id_masked TEXT NOT NULL, phone TEXT NOT NULL, joined_on TEXT NOT NULL, member_no TEXT,"
	 "  status TEXT NOT NULL, worker_id BIGINT REFERENCES worker(id),"
	 "  membership_id BIGINT REFERENCES membership(id),"
	 "  application_id BIGINT REFERENCES application(id),"
	 "  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
	 /* One live entry per person and organisation, one live holder of a member number (a
	  * linked entry shares its number with its own membership; other memberships are checked
	  * by the store under the member-number lock). */
	 "CREATE UNIQUE INDEX roster_entry_person ON roster_entry(org_id, id_index)"
	 "  WHERE status <> 'set_aside';"
	 "CREATE UNIQUE INDEX roster_entry_member_no ON roster_entry(member_no)"
	 "  WHERE status <> 'set_aside';"
	 "CREATE INDEX roster_entry_index ON roster_entry(id_index);"
	 "CREATE INDEX roster_entry_org ON roster_entry(org_id, status, id);"
	 "CREATE INDEX roster_entry_batch ON roster_entry(batch_id);"
	 /* The same ID number in two organisations' rosters (or a roster and a current membership
	  * elsewhere), waiting for their lowest common ancestor; one open conflict per person. */
	 "CREATE TABLE roster_conflict (id @ID@, id_index @BLOB@ NOT NULL, id_masked TEXT NOT NULL,"
	 "  ancestor_org_id BIGINT NOT NULL REFERENCES org(id), status TEXT NOT NULL,"
	 "  created_at BIGINT NOT NULL, resolved_at BIGINT, resolved_by BIGINT REFERENCES staff(id),"
	 "  kept_entry_id BIGINT REFERENCES roster_entry(id),"
	 "  kept_membership_id BIGINT REFERENCES membership(id));"
	 "CREATE UNIQUE INDEX roster_conflict_open ON roster_conflict(id_index)"
	 "  WHERE status = 'open';"
	 "CREATE INDEX roster_conflict_ancestor ON roster_conflict(ancestor_org_id, status, id);"
	 "CREATE TABLE roster_conflict_item (id @ID@,"
	 "  conflict_id BIGINT NOT NULL REFERENCES roster_conflict(id),"
	 "  entry_id BIGINT REFERENCES roster_entry(id),"
	 "  membership_id BIGINT REFERENCES membership(id));"
	 "CREATE UNIQUE INDEX roster_conflict_item_entry ON roster_conflict_item(conflict_id, entry_id);"
	 "CREATE UNIQUE INDEX roster_conflict_item_membership"
	 "  ON roster_conflict_item(conflict_id, membership_id);"},
	{9, "organisation children by kind",
	 /* The upper levels of a subtree (every kind but grassroots) found from the index alone:
	  * the back office's unit scope reads them without visiting each grassroots union. */
	 "CREATE INDEX org_parent_kind ON org(parent_id, kind);"
	 "DROP INDEX org_parent;"},
	{10, "grassroots unions by name",
	 /* The 关联工会 search (GET /admin/orgs?q=) compares the names of a subtree's grassroots
	  * unions read off this index, per parent, without visiting the rows that do not match. */
	 "CREATE INDEX org_parent_kind_name ON org(parent_id, kind, name);"
	 "DROP INDEX org_parent_kind;"},
};

static char *render(db_kind kind, const char *sql)
{
	struct {
		const char *token, *sqlite, *pg;
	} subst[] = {
		{"@ID@", "INTEGER PRIMARY KEY", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
		{"@BLOB@", "BLOB", "BYTEA"},
		{"@WITHOUT_ROWID@", "WITHOUT ROWID", ""},
	};
	buf b = {0};
	const char *p = sql;
	while (*p) {
		size_t i;
		for (i = 0; i < sizeof(subst) / sizeof(subst[0]); i++) {
			size_t n = strlen(subst[i].token);
			if (strncmp(p, subst[i].token, n) == 0) {
				buf_puts(&b, kind == DB_SQLITE ? subst[i].sqlite : subst[i].pg);
				p += n;
				break;
			}
		}
		if (i == sizeof(subst) / sizeof(subst[0]))
			buf_append(&b, p++, 1);
	}
	return b.data;
}

static int current_version(db_conn *c)
{
	db_rows *r;
	int v = 0;
	if (db_query(c, &r, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", NULL, 0))
		return -1;
	if (db_next(r) == DB_ROW)
		v = (int)db_int(r, 0);
	db_done(r);
	return v;
}

static int apply(db_conn *c, const migration *m)
{
	char *sql = render(db_conn_dialect(c), m->sql);
	int rc = db_exec_script(c, sql);
	free(sql);
	if (rc == DB_OK)
		rc = db_exec(c, "INSERT INTO schema_migrations (version, name, applied_at) "
				"VALUES (?, ?, ?)",
			     DB_ARGS(DB_INT(m->version), DB_TEXT(m->name), DB_INT(clock_now())));
	return rc;
}

int store_migrate(db *d)
{
	db_conn *c = db_acquire(d);
	if (!c)
		return -1;
	/* The lock comes first so that nodes starting together migrate one after another. */
	int rc = db_begin(c, true);
	if (rc == DB_OK)
		rc = db_lock(c, "gonghui.migrate");
	if (rc == DB_OK)
		rc = db_exec_script(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
				       "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
				       "applied_at BIGINT NOT NULL)");
	int v = rc == DB_OK ? current_version(c) : -1;
	if (v < 0)
		rc = DB_ERR;
	for (size_t i = 0; rc == DB_OK && i < sizeof(migrations) / sizeof(migrations[0]); i++) {
		if (migrations[i].version <= v)
			continue;
		log_info("applying migration %d (%s)", migrations[i].version, migrations[i].name);
		rc = apply(c, &migrations[i]);
	}
	if (rc == DB_OK)
		rc = db_commit(c);
	else
		db_rollback(c);
	db_release(c);
	return rc == DB_OK ? 0 : -1;
}

int store_schema_version(db *d)
{
	db_conn *c = db_acquire(d);
	if (!c)
		return -1;
	int v = current_version(c);
	db_release(c);
	return v;
}
