/*
 * simrng.c: xoshiro256** with splitmix64 seeding and polar-method normals.
 * Blackman D, Vigna S (2018). Scrambled linear pseudorandom number
 * generators. arXiv:1805.01407. Marsaglia G, Bray TA (1964). A convenient
 * method for generating normal variables. SIAM Review 6(3):260-264.
 */
#include "stats/simrng.h"

#include <math.h>

static uint64_t hg_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void hg_simrng_seed(hg_simrng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = hg_splitmix64(&x);
	r->has_spare = 0;
	r->spare = 0;
}

static uint64_t hg_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t hg_simrng_next(hg_simrng *r)
{
	uint64_t *s = r->s;
	uint64_t result = hg_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = hg_rotl(s[3], 45);
	return result;
}

double hg_simrng_unif(hg_simrng *r)
{
	return ((double)(hg_simrng_next(r) >> 11) + 0.5) * 0x1.0p-53;
}

double hg_simrng_norm(hg_simrng *r)
{
	if (r->has_spare) {
		r->has_spare = 0;
		return r->spare;
	}
	double u, v, s;
	do {
		u = 2 * hg_simrng_unif(r) - 1;
		v = 2 * hg_simrng_unif(r) - 1;
		s = u * u + v * v;
	} while (s >= 1 || s == 0);
	double f = sqrt(-2 * log(s) / s);
	r->spare = v * f;
	r->has_spare = 1;
	return u * f;
}
