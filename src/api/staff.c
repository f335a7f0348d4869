/* staff.c — back-office (/admin) login for staff accounts (工作人员). */
#include <string.h>

#include "api/errors.h"
#include "api/form.h"
#include "api/handlers.h"
#include "api/login.h"
#include "api/session.h"
#include "util/clock.h"

void h_staff_session_get(http_request *r)
{
	account_row a;
	if (!r->has_session || store_account_get(r->db, SUBJECT_STAFF, r->subject_id, &a) != STORE_OK ||
	    a.disabled) {
		res_json(r, 200, json_pack("{s:b, s:n, s:n}", "authenticated", 0, "csrf_token",
					   "staff"));
		return;
	}
	res_json(r, 200, json_pack("{s:b, s:s, s:o}", "authenticated", 1, "csrf_token",
				   r->csrf_token, "staff", render_staff(r, &a)));
}

void h_staff_login(http_request *r)
{
	static const field_spec spec[] = {
		{"phone", FIELD_PHONE, true, "手机号"},
		{"password", FIELD_SECRET, true, "密码"},
		{"client", FIELD_TEXT, false, "客户端"},
	};
	form_value v[FORM_LEN(spec)];
	if (!form_parse(r, spec, FORM_LEN(spec), v))
		return;
	account_row a;
	bool found = store_account_by_phone(r->db, SUBJECT_STAFF, v[0].s, &a) == STORE_OK;
	bool bearer = v[2].present && strcmp(v[2].s, "app") == 0;
	login_password(r, SUBJECT_STAFF, found ? &a : NULL, v[1].s, bearer, render_staff, "staff");
}

void h_staff_logout(http_request *r)
{
	store_audit(r->db, "staff", r->subject_id, "logout", NULL, r->client, NULL, clock_now());
	session_end(r);
	res_json(r, 204, NULL);
}

void h_staff_password(http_request *r)
{
	login_change_password(r, SUBJECT_STAFF);
}
