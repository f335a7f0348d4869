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
void h_staff_login_verify(http_request *r);
void h_staff_login_resend(http_request *r);
void h_staff_logout(http_request *r);
void h_staff_password(http_request *r);
/* units.c — work unit search */
void h_units_search(http_request *r);
/* join.c — 网上入会 */
void h_join_eligibility(http_request *r);
void h_join_agreement(http_request *r);
void h_join_consent(http_request *r);
void h_join_options(http_request *r);
void h_membership_get(http_request *r);
/* transfer.c — 会籍变更 */
void h_transfer_eligibility(http_request *r);
void h_transfer_agreement(http_request *r);
void h_transfer_consent(http_request *r);
/* applications.c — drafts, submit, withdraw, 我的办事 */
void h_app_create(http_request *r);
void h_app_get(http_request *r);
void h_app_update(http_request *r);
void h_app_withdraw(http_request *r);
void h_app_delete(http_request *r);
void h_affairs(http_request *r);
/* review.c — the reviewers' console */
void h_review_queue(http_request *r);
void h_review_get(http_request *r);
void h_review_reveal(http_request *r);
void h_review_decide(http_request *r);
/* recover.c — 忘记密码, e-mail binding */
void h_captcha_new(http_request *r);
void h_recover_start(http_request *r);
void h_recover_phone_code(http_request *r);
void h_recover_phone_reset(http_request *r);
void h_recover_email(http_request *r);
void h_recover_email_reset(http_request *r);
void h_recover_appeal_code(http_request *r);
void h_recover_appeal(http_request *r);
void h_account_email(http_request *r);
void h_account_email_verify(http_request *r);
/* appeals.c — 人工申诉 in the back office */
void h_appeals_list(http_request *r);
void h_appeal_get(http_request *r);
void h_appeal_photo(http_request *r);
void h_appeal_decide(http_request *r);
/* admin.c — organisations and staff */
void h_admin_orgs(http_request *r);
void h_admin_org_create(http_request *r);
void h_admin_org_update(http_request *r);
void h_admin_org_deactivate(http_request *r);
void h_admin_staff_list(http_request *r);
void h_admin_staff_create(http_request *r);
void h_admin_staff_update(http_request *r);
void h_admin_staff_reset(http_request *r);
/* admin_units.c — 单位管理 */
void h_admin_units(http_request *r);
void h_admin_unit_create(http_request *r);
void h_admin_unit_update(http_request *r);
void h_admin_unit_found_union(http_request *r);
void h_admin_unit_link_union(http_request *r);
void h_admin_units_import(http_request *r);
/* register.c — member register, audit log, dashboard */
void h_admin_members(http_request *r);
void h_admin_members_export(http_request *r);
void h_admin_audit(http_request *r);
void h_admin_dashboard(http_request *r);
/* rosters.c — offline rosters and their conflicts (back office) */
void h_admin_roster_import(http_request *r);
void h_admin_rosters(http_request *r);
void h_admin_rosters_export(http_request *r);
void h_admin_roster_conflicts(http_request *r);
void h_admin_roster_conflict_resolve(http_request *r);
/* verification.c — 信息核实, 信息变更, 信息登记 */
void h_verification_get(http_request *r);
void h_verification_confirm(http_request *r);
void h_correction_eligibility(http_request *r);
void h_correction_agreement(http_request *r);
void h_correction_consent(http_request *r);
void h_registration_eligibility(http_request *r);
void h_registration_agreement(http_request *r);
void h_registration_consent(http_request *r);
/* public.c — reference data and texts, test hooks */
void h_regions(http_request *r);
void h_privacy_notice(http_request *r);
void h_test_clock(http_request *r);
#endif
