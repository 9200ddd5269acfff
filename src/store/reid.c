/*
 * reid.c: sealed NHS numbers for governed re-identification (reid.h). The
 * cryptography is libsodium's (crypto_box_seal / crypto_box_seal_open,
 * crypto_box_keypair); this file only names the keys and the files.
 */
#include "store/reid.h"

#include "core/fs.h"
#include "store/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

_Static_assert(HG_REID_BYTES == crypto_box_SEALBYTES + 10, "a box holds 10 digits");
_Static_assert(crypto_box_PUBLICKEYBYTES == 32 && crypto_box_SECRETKEYBYTES == 32, "key sizes");

/* A practice code fit for a file name: letters and digits only. */
static int code_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 15)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

static int write_new(const char *path, const char *text, int mode, hg_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return hg_err_set(err, HG_EIO, "%s: cannot create: %s%s", path, strerror(errno),
		                  errno == EEXIST ? " (refusing to overwrite an existing key)"
		                                  : "");
	size_t n = strlen(text);
	ssize_t w = write(fd, text, n);
	int bad = w != (ssize_t)n || fsync(fd) < 0;
	close(fd);
	if (bad) {
		unlink(path);
		return hg_err_set(err, HG_EIO, "%s: cannot write the key", path);
	}
	return 0;
}

int hg_reid_keygen(const char *dir, const char *practice, hg_err *err)
{
	if (sodium_init() < 0)
		return hg_err_set(err, HG_EIO, "libsodium failed to initialise");
	if (!code_ok(practice))
		return hg_err_set(err, HG_EUSAGE,
		                  "--practice %s: a practice code is 1 to 15 letters and digits",
		                  practice);
	unsigned char pk[32], sk[32];
	crypto_box_keypair(pk, sk);
	char pub[HG_PATH_MAX], sec[HG_PATH_MAX], pkh[65], skh[65], text[200];
	snprintf(pub, sizeof pub, "%s/%s.pub", dir, practice);
	snprintf(sec, sizeof sec, "%s/%s.key", dir, practice);
	sodium_bin2hex(pkh, sizeof pkh, pk, 32);
	sodium_bin2hex(skh, sizeof skh, sk, 32);
	snprintf(text, sizeof text, "%s\n%s\n%s\n", skh, pkh, practice);
	int rc = write_new(sec, text, 0600, err);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(skh, sizeof skh);
	sodium_memzero(text, sizeof text);
	if (rc)
		return rc;
	snprintf(text, sizeof text, "%s\n", pkh);
	if ((rc = write_new(pub, text, 0644, err)) != 0)
		unlink(sec);
	return rc;
}

/* 64 hex digits at p into out[32]. */
static int hex32(const char *p, size_t n, unsigned char out[32])
{
	size_t got = 0;
	return n == 64 && sodium_hex2bin(out, 32, p, n, NULL, &got, NULL) == 0 && got == 32 ? 0
	                                                                                    : -1;
}

static int load_pub(hg_reid_keys *k, const char *dir, const char *name, hg_err *err)
{
	char path[HG_PATH_MAX * 2], text[130];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
	if (f)
		fclose(f);
	while (n && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
		n--;
	size_t len = strlen(name) - 4;
	unsigned char pk[32];
	if (!f || hex32(text, n, pk))
		return hg_err_set(err, HG_EINPUT,
		                  "%s: not a re-identification public key (64 hex digits, as "
		                  "'healthgap keygen --reid' writes)",
		                  path);
	int ins;
	uint32_t i = hg_dict_intern(&k->codes, name, len, &ins);
	if (!ins)
		return 0;
	k->pk = hg_xrealloc(k->pk, sizeof *k->pk * (i + 1));
	memcpy(k->pk[i], pk, 32);
	k->n = i + 1;
	return 0;
}

int hg_reid_keys_load(hg_reid_keys *k, const char *dir, hg_err *err)
{
	memset(k, 0, sizeof *k);
	hg_dict_init(&k->codes);
	if (sodium_init() < 0)
		return hg_err_set(err, HG_EIO, "libsodium failed to initialise");
	DIR *d = opendir(dir);
	if (!d)
		return hg_err_set(err, HG_EIO, "--reid-keys %s: cannot open the directory: %s", dir,
		                  strerror(errno));
	int rc = 0;
	for (struct dirent *e; rc == 0 && (e = readdir(d)) != NULL;) {
		size_t n = strlen(e->d_name);
		if (n > 4 && !strcmp(e->d_name + n - 4, ".pub"))
			rc = load_pub(k, dir, e->d_name, err);
	}
	closedir(d);
	if (rc == 0 && k->n == 0)
		rc = hg_err_set(err, HG_EINPUT,
		                "--reid-keys %s: no PRACTICE.pub files (make them with 'healthgap "
		                "keygen --reid --practice CODE --out DIR' at each practice)",
		                dir);
	if (rc)
		hg_reid_keys_free(k);
	return rc;
}

void hg_reid_keys_free(hg_reid_keys *k)
{
	hg_dict_free(&k->codes);
	free(k->pk);
	memset(k, 0, sizeof *k);
}

const unsigned char *hg_reid_key_for(const hg_reid_keys *k, const char *code, size_t n)
{
	uint32_t i = hg_dict_find(&k->codes, code, n);
	return i == HG_NONE32 ? NULL : k->pk[i];
}

void hg_reid_seal(const unsigned char pk[32], const char digits[10],
                  unsigned char out[HG_REID_BYTES])
{
	crypto_box_seal(out, (const unsigned char *)digits, 10, pk);
}

int hg_reid_secret_load(hg_reid_secret *s, const char *path, hg_err *err)
{
	memset(s, 0, sizeof *s);
	if (sodium_init() < 0)
		return hg_err_set(err, HG_EIO, "libsodium failed to initialise");
	char text[200];
	size_t n;
	int rc = hg_read_secret(path, text, sizeof text - 1, &n, err);
	if (rc)
		return rc;
	text[n] = 0;
	char *l2 = strchr(text, '\n'), *l3 = l2 ? strchr(l2 + 1, '\n') : NULL;
	unsigned char check[32];
	int bad = !l2 || !l3 || hex32(text, (size_t)(l2 - text), s->sk) ||
	          hex32(l2 + 1, (size_t)(l3 - l2 - 1), s->pk);
	if (!bad) {
		char *e = l3 + 1 + strcspn(l3 + 1, "\r\n");
		*e = 0;
		snprintf(s->practice, sizeof s->practice, "%s", l3 + 1);
		crypto_scalarmult_base(check, s->sk); /* the public key is the secret's */
		bad = !code_ok(s->practice) || sodium_memcmp(check, s->pk, 32) != 0;
	}
	sodium_memzero(text, sizeof text);
	if (bad) {
		sodium_memzero(s, sizeof *s);
		return hg_err_set(err, HG_EINPUT,
		                  "%s: not a re-identification secret key (as 'healthgap keygen "
		                  "--reid' writes: secret and public key, 64 hex digits each, and "
		                  "the practice code, one per line)",
		                  path);
	}
	return 0;
}

int hg_reid_open(const hg_reid_secret *s, const unsigned char box[HG_REID_BYTES], char digits[11])
{
	unsigned char d[10];
	if (crypto_box_seal_open(d, box, HG_REID_BYTES, s->pk, s->sk) != 0)
		return -1;
	for (int i = 0; i < 10; i++) {
		if (d[i] < '0' || d[i] > '9')
			return -1;
		digits[i] = (char)d[i];
	}
	digits[10] = 0;
	sodium_memzero(d, sizeof d);
	return 0;
}

void hg_reid_token(const unsigned char box[HG_REID_BYTES], char out[HG_REID_TOKEN_LEN + 1])
{
	static const unsigned char zero[HG_REID_BYTES];
	out[0] = 0;
	if (memcmp(box, zero, HG_REID_BYTES) != 0)
		sodium_bin2base64(out, HG_REID_TOKEN_LEN + 1, box, HG_REID_BYTES,
		                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int hg_reid_untoken(const char *s, size_t n, unsigned char box[HG_REID_BYTES])
{
	size_t got = 0;
	return n == HG_REID_TOKEN_LEN &&
	               sodium_base642bin(box, HG_REID_BYTES, s, n, NULL, &got, NULL,
	                                 sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
	               got == HG_REID_BYTES
	           ? 0
	           : -1;
}
