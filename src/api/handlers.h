/* handlers.h — every route's handler, one file per area. */
#ifndef GONGHUI_API_HANDLERS_H
#define GONGHUI_API_HANDLERS_H
#include "http/request.h"

/* auth.c — worker login and registration */
void h_session_get(http_request *r);
void h_sms_code(http_request *r);
void h_sms_login(http_request *r);
void h_register(http_request *r);
void h_password_login(http_request *r);
void h_logout(http_request *r);
/* account.c — the worker's own account */
void h_account_get(http_request *r);
void h_account_password(http_request *r);
void h_account_phone_code(http_request *r);
void h_account_phone(http_request *r);
/* staff.c — back-office login */
void h_staff_session_get(http_request *r);
void h_staff_login(http_request *r);
void h_staff_logout(http_request *r);
void h_staff_password(http_request *r);
/* units.c — work unit search */
void h_units_search(http_request *r);
/* public.c — reference data and texts, test hooks */
void h_regions(http_request *r);
void h_privacy_notice(http_request *r);
void h_test_clock(http_request *r);
#endif
