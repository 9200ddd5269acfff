/*
 * simrng.c: uniforms and polar-method normals over the core xoshiro256**.
 * Blackman D, Vigna S (2018). Scrambled linear pseudorandom number
 * generators. arXiv:1805.01407. Marsaglia G, Bray TA (1964). A convenient
 * method for generating normal variables. SIAM Review 6(3):260-264.
 */
#include "stats/simrng.h"

#include <math.h>

void hg_simrng_seed(hg_simrng *r, uint64_t seed)
{
	hg_rng_seed_plain(&r->g, seed);
	r->has_spare = 0;
	r->spare = 0;
}

uint64_t hg_simrng_next(hg_simrng *r)
{
	return hg_rng_next(&r->g);
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
