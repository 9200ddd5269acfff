/*
 * pseudo.h: pseudonymisation of NHS numbers. An NHS number (10 digits,
 * Modulus 11 check digit) is replaced by HMAC-SHA256(key, digits) in hex, so
 * the same person gets the same pseudonym in every extract made with the same
 * key, and the number cannot be recovered without the key. Key files hold 32
 * random bytes as 64 hex digits and must be readable by their owner only.
 */
#ifndef HG_PSEUDO_H
#define HG_PSEUDO_H

#include "core/error.h"

#include <stddef.h>

typedef struct hg_key {
	unsigned char k[32];
	char id[17]; /* first 16 hex digits of BLAKE2b(key): names the key in manifests */
} hg_key;

/* Make a new key file (mode 0600); refuses to overwrite an existing file. */
int hg_key_generate(const char *path, hg_err *err);
int hg_key_load(hg_key *key, const char *path, hg_err *err);
/* Copy the 10 digits of an NHS number (spaces ignored) into out; -1 if malformed. */
int hg_nhs_digits(const char *s, size_t n, char out[11]);
/* Pseudonym of a valid NHS number: 64 hex digits + NUL. */
void hg_pseudonymise(const hg_key *key, const char digits[10], char out[65]);

#endif
