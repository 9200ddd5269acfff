/*
 * reid.h: governed re-identification (docs/security.md, "Worklists and
 * re-identification"). healthgap never holds an NHS number in clear: at
 * ingest each person's NHS number is sealed (libsodium sealed box:
 * X25519 + XSalsa20-Poly1305, a fresh ephemeral key per box) to the public
 * key of the person's own practice, and the snapshot keeps only the box
 * (column file person.reid.b58, HG_REID_BYTES per person, all zero when a
 * person has none). A worklist shows each box as a token; only the holder
 * of that practice's secret key can open it (`healthgap reidentify`), so a
 * practice can re-identify its own patients and no one else, the server
 * included, can reverse a pseudonym. Boxes are randomised: two boxes of one
 * number do not match, so they cannot be linked either.
 *
 * Key files: PRACTICE.pub holds the public key as 64 hex digits; PRACTICE.key
 * (mode 0600) the secret and then the public key, 64 hex digits each on its
 * own line, and the practice code on a third.
 */
#ifndef HG_STORE_REID_H
#define HG_STORE_REID_H

#include "core/dict.h"
#include "core/error.h"

#include <stddef.h>

#define HG_REID_FILE      "person.reid.b58"
#define HG_REID_BYTES     58 /* crypto_box_SEALBYTES (48) + 10 digits */
#define HG_REID_TOKEN_LEN 78 /* base64url without padding of HG_REID_BYTES */

/* Make DIR/PRACTICE.pub and DIR/PRACTICE.key; never overwrites either. */
int hg_reid_keygen(const char *dir, const char *practice, hg_err *err);

/* The public keys of a directory of PRACTICE.pub files. */
typedef struct hg_reid_keys {
	hg_dict codes; /* practice code -> index into pk */
	unsigned char (*pk)[32];
	size_t n;
} hg_reid_keys;
int hg_reid_keys_load(hg_reid_keys *k, const char *dir, hg_err *err);
void hg_reid_keys_free(hg_reid_keys *k);
/* The public key of practice code[0..n), or NULL when it has none. */
const unsigned char *hg_reid_key_for(const hg_reid_keys *k, const char *code, size_t n);

/* Seal 10 digits to pk. */
void hg_reid_seal(const unsigned char pk[32], const char digits[10],
                  unsigned char out[HG_REID_BYTES]);

/* A practice's secret key. */
typedef struct hg_reid_secret {
	unsigned char sk[32], pk[32];
	char practice[16];
} hg_reid_secret;
int hg_reid_secret_load(hg_reid_secret *s, const char *path, hg_err *err);
/* Open a box into digits (NUL-terminated): 0, or -1 when it was not sealed to this key
 * (or was altered). */
int hg_reid_open(const hg_reid_secret *s, const unsigned char box[HG_REID_BYTES], char digits[11]);

/* A box as text (HG_REID_TOKEN_LEN characters + NUL), "" for an all-zero box (none). */
void hg_reid_token(const unsigned char box[HG_REID_BYTES], char out[HG_REID_TOKEN_LEN + 1]);
/* Text back to a box: 0, or -1 when it is not a token. */
int hg_reid_untoken(const char *s, size_t n, unsigned char box[HG_REID_BYTES]);

#endif
