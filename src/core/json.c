/*
 * json.c: JSON value helpers (json.h).
 */
#include "core/json.h"

#include <math.h>

json_t *hg_json_num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

json_t *hg_json_str(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}
