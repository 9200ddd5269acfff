/*
 * rng.c: splitmix64 seeding and xoshiro256** generation with a few standard
 * distributions (uniform, normal, exponential, Poisson, gamma).
 */
#include "core/rng.h"

#include <math.h>

uint64_t hg_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

void hg_rng_seed(hg_rng *r, uint64_t seed, uint64_t index, uint64_t tag)
{
	uint64_t x = seed;
	uint64_t a = hg_splitmix64(&x);
	x = a ^ (index * 0xD1B54A32D192ED03ULL) ^ (tag * 0x8CB92BA72F3D8DD7ULL);
	for (int i = 0; i < 4; i++)
		r->s[i] = hg_splitmix64(&x);
	if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
		r->s[0] = 1;
}

void hg_rng_seed_plain(hg_rng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = hg_splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t hg_rng_next(hg_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double hg_rng_unif(hg_rng *r)
{
	return (double)(hg_rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t hg_rng_below(hg_rng *r, uint64_t n)
{
	if (n <= 1)
		return 0;
	return (uint64_t)(hg_rng_unif(r) * (double)n) % n;
}

int hg_rng_range(hg_rng *r, int lo, int hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int)hg_rng_below(r, (uint64_t)(hi - lo + 1));
}

int hg_rng_bernoulli(hg_rng *r, double p)
{
	return hg_rng_unif(r) < p;
}

double hg_rng_normal(hg_rng *r, double mean, double sd)
{
	double u1 = hg_rng_unif(r), u2 = hg_rng_unif(r);
	if (u1 < 1e-300)
		u1 = 1e-300;
	return mean + sd * sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

double hg_rng_exp(hg_rng *r, double rate)
{
	double u = hg_rng_unif(r);
	return -log1p(-u) / rate;
}

int hg_rng_poisson(hg_rng *r, double lambda)
{
	if (lambda <= 0)
		return 0;
	if (lambda > 30) {
		double v = floor(hg_rng_normal(r, lambda, sqrt(lambda)) + 0.5);
		return v < 0 ? 0 : (int)v;
	}
	double l = exp(-lambda), p = hg_rng_unif(r);
	int k = 0;
	double f = l, c = l;
	while (p > c && k < 200) {
		k++;
		f *= lambda / k;
		c += f;
	}
	return k;
}

double hg_rng_gamma(hg_rng *r, double shape)
{
	if (shape < 1.0) {
		double u = hg_rng_unif(r);
		return hg_rng_gamma(r, shape + 1.0) * pow(u < 1e-300 ? 1e-300 : u, 1.0 / shape);
	}
	double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
	for (;;) {
		double x = hg_rng_normal(r, 0, 1), v = 1.0 + c * x;
		if (v <= 0)
			continue;
		v = v * v * v;
		double u = hg_rng_unif(r);
		if (u < 1.0 - 0.0331 * x * x * x * x)
			return d * v;
		if (log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
			return d * v;
	}
}
