/*
 * pseudo.c: NHS number validation (NHS Data Dictionary Modulus 11) and
 * HMAC-SHA256 pseudonymisation (libsodium crypto_auth_hmacsha256).
 */
#include "pseudo.h"
#include "core/fs.h"
#include "ingest.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int hg_nhs_digits(const char *s, size_t n, char out[11])
{
	int k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ' ' || s[i] == '-')
			continue;
		if (s[i] < '0' || s[i] > '9' || k == 10)
			return -1;
		out[k++] = s[i];
	}
	out[k] = 0;
	return k == 10 ? 0 : -1;
}

/* Weights 10..2 over the first nine digits; check = 11 - (sum mod 11); 11 -> 0; 10 invalid. */
int hg_nhs_number_valid(const char *s, size_t n)
{
	char d[11];
	if (hg_nhs_digits(s, n, d))
		return 0;
	int sum = 0;
	for (int i = 0; i < 9; i++)
		sum += (d[i] - '0') * (10 - i);
	int check = 11 - sum % 11;
	if (check == 11)
		check = 0;
	if (check == 10)
		return 0;
	return check == d[9] - '0';
}

static void key_id(hg_key *key)
{
	char hex[65];
	hg_hash_hex(key->k, sizeof key->k, hex);
	memcpy(key->id, hex, 16);
	key->id[16] = 0;
}

int hg_key_generate(const char *path, hg_err *err)
{
	if (sodium_init() < 0)
		return hg_err_set(err, HG_EIO, "libsodium failed to initialise");
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return hg_err_set(
		    err, HG_EIO, "%s: cannot create key file: %s%s", path, strerror(errno),
		    errno == EEXIST ? " (refusing to overwrite an existing key)" : "");
	unsigned char k[32];
	randombytes_buf(k, sizeof k);
	char hex[66];
	sodium_bin2hex(hex, sizeof hex - 1, k, sizeof k);
	hex[64] = '\n';
	hex[65] = 0;
	sodium_memzero(k, sizeof k);
	ssize_t w = write(fd, hex, 65);
	sodium_memzero(hex, sizeof hex);
	if (w != 65 || fsync(fd) < 0) {
		close(fd);
		unlink(path);
		return hg_err_set(err, HG_EIO, "%s: cannot write key file", path);
	}
	close(fd);
	return 0;
}

int hg_key_load(hg_key *key, const char *path, hg_err *err)
{
	char text[130]; /* 64 hex digits and a line end; more is not a key */
	size_t n;
	int rc = hg_read_secret(path, text, sizeof text, &n, err);
	if (rc)
		return rc;
	size_t len = n;
	while (n && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
		n--;
	size_t got = 0;
	int bad = n != 64 ||
	          sodium_hex2bin(key->k, sizeof key->k, text, n, NULL, &got, NULL) != 0 ||
	          got != 32;
	sodium_memzero(text, len);
	if (bad)
		return hg_err_set(err, HG_EINPUT,
		                  "%s: not a healthgap key (expected 64 hex digits; make one with "
		                  "'healthgap keygen')",
		                  path);
	key_id(key);
	return 0;
}

void hg_pseudonymise(const hg_key *key, const char digits[10], char out[65])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key->k, sizeof key->k);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)digits, 10);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(out, 65, mac, sizeof mac);
}
