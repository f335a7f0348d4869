/* routing.c — where a submitted application goes (SPEC §4, §5), shared by every kind: never to
 * a deactivated organisation. A unit whose union is inactive counts as a unit without one (its
 * street union reviews); a street union that was deactivated hands over to its nearest active
 * ancestor (the district federation, or the city's). */
#include "api/kinds.h"

int64_t route_unit_union(http_request *r, const unit_row *u)
{
	org_row o;
	if (!u->has_union || !u->union_org_id ||
	    store_org_get(r->db, u->union_org_id, &o) != STORE_OK)
		return 0;
	return o.active ? o.id : 0;
}

bool route_active(http_request *r, int64_t org_id, int64_t *out)
{
	org_row o;
	if (!org_id || store_org_active_ancestor(r->db, org_id, &o) != STORE_OK)
		return false;
	*out = o.id;
	return true;
}

bool route_street_union(http_request *r, const char *street, int64_t *org_id)
{
	org_row o;
	if (!street || store_org_by_code(r->db, street, &o) != STORE_OK)
		return false;
	return route_active(r, o.id, org_id);
}
