/*
 * json.h: small helpers for writing JSON with jansson, one home for each rule
 * every output follows: a number that is missing or not finite is null (JSON
 * has no NaN or infinity), an empty or absent string is null.
 */
#ifndef HG_CORE_JSON_H
#define HG_CORE_JSON_H

#include <jansson.h>

/* v as a JSON real, or null when v is NaN or infinite (new reference). */
json_t *hg_json_num(double v);
/* s as a JSON string, or null when s is NULL or empty (new reference). */
json_t *hg_json_str(const char *s);

#endif
