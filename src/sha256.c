/*
 * NAME
 *	sha256 - SHA-256 (FIPS 180-4)
 * DESCRIPTION
 *	See include/psirt/sha256.h. Checked against the FIPS 180-4 example
 *	vectors in tests/unit/test-sha256.c.
 *
 *	On x86-64 CPUs with the SHA extensions (and SSSE3, SSE4.1: CPUID
 *	tells, once) whole blocks go through them, about six times faster
 *	here than the portable code; the raw message and every attachment
 *	the parent stores are hashed. Built with PSIRT_SHA256_PORTABLE, only
 *	the portable code is there (tests/unit/test-sha256-portable checks
 *	it on every machine).
 */
#include <stdint.h>
#include <string.h>

#include "psirt/sha256.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && \
    !defined(PSIRT_SHA256_PORTABLE)
#define SHA256_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

/* sha256_block - compress one 64-byte block */
static void
sha256_block(struct sha256 *s, const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = (ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^
		    (w[i - 2] >> 10)) + w[i - 7] + (ROR(w[i - 15], 7) ^
		    ROR(w[i - 15], 18) ^ (w[i - 15] >> 3)) + w[i - 16];
	a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3];
	e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
		    ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
		    ((a & b) ^ (a & c) ^ (b & c));
		h = g, g = f, f = e, e = d + t1;
		d = c, c = b, b = a, a = t1 + t2;
	}
	s->h[0] += a, s->h[1] += b, s->h[2] += c, s->h[3] += d;
	s->h[4] += e, s->h[5] += f, s->h[6] += g, s->h[7] += h;
}

/* blocks_portable - compress n 64-byte blocks */
static void
blocks_portable(struct sha256 *s, const unsigned char *p, size_t n)
{
	for (; n > 0; n--, p += 64)
		sha256_block(s, p);
}

#ifdef SHA256_X86
/*
 * blocks_x86 - compress n 64-byte blocks with the SHA extensions. The
 * state lives as ABEF and CDGH (the order sha256rnds2 takes); each group
 * of four rounds adds K to four message words, and the schedule keeps
 * the next sixteen words in w[0..3], one register per four.
 */
__attribute__((target("sha,ssse3,sse4.1")))
static void
blocks_x86(struct sha256 *s, const unsigned char *p, size_t n)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL,
	    0x0405060700010203LL);
	__m128i st0, st1, save0, save1, msg, tmp, w[4];
	int g;

	tmp = _mm_loadu_si128((const __m128i *)(const void *)&s->h[0]);
	st1 = _mm_loadu_si128((const __m128i *)(const void *)&s->h[4]);
	tmp = _mm_shuffle_epi32(tmp, 0xB1);		/* B A D C */
	st1 = _mm_shuffle_epi32(st1, 0x1B);		/* H G F E */
	st0 = _mm_alignr_epi8(tmp, st1, 8);		/* ABEF */
	st1 = _mm_blend_epi16(st1, tmp, 0xF0);		/* CDGH */
	for (; n > 0; n--, p += 64) {
		save0 = st0;
		save1 = st1;
		for (g = 0; g < 16; g++) {
			if (g < 4)
				w[g] = _mm_shuffle_epi8(_mm_loadu_si128(
				    (const __m128i *)(const void *)
				    (p + 16 * g)), bswap);
			msg = _mm_add_epi32(w[g & 3], _mm_loadu_si128(
			    (const __m128i *)(const void *)&K[4 * g]));
			st1 = _mm_sha256rnds2_epu32(st1, st0, msg);
			if (g >= 3 && g <= 14) {
				tmp = _mm_alignr_epi8(w[g & 3],
				    w[(g + 3) & 3], 4);
				w[(g + 1) & 3] = _mm_sha256msg2_epu32(
				    _mm_add_epi32(w[(g + 1) & 3], tmp),
				    w[g & 3]);
			}
			msg = _mm_shuffle_epi32(msg, 0x0E);
			st0 = _mm_sha256rnds2_epu32(st0, st1, msg);
			if (g >= 1 && g <= 12)
				w[(g + 3) & 3] = _mm_sha256msg1_epu32(
				    w[(g + 3) & 3], w[g & 3]);
		}
		st0 = _mm_add_epi32(st0, save0);
		st1 = _mm_add_epi32(st1, save1);
	}
	tmp = _mm_shuffle_epi32(st0, 0x1B);		/* F E B A */
	st1 = _mm_shuffle_epi32(st1, 0xB1);		/* D C H G */
	st0 = _mm_blend_epi16(tmp, st1, 0xF0);		/* D C B A */
	st1 = _mm_alignr_epi8(st1, tmp, 8);		/* H G F E */
	_mm_storeu_si128((__m128i *)(void *)&s->h[0], st0);
	_mm_storeu_si128((__m128i *)(void *)&s->h[4], st1);
}

/* have_sha_ni - the CPU has the SHA extensions, SSSE3 and SSE4.1 */
static int
have_sha_ni(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) ||
	    !(c & bit_SSE4_1))
		return 0;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	return (b & (1U << 29)) != 0;	/* CPUID.7.0:EBX.SHA */
}
#endif

/* sha256_accelerated - see sha256.h (CPUID asked once) */
int
sha256_accelerated(void)
{
#ifdef SHA256_X86
	static int accel = -1;

	if (accel < 0)
		accel = have_sha_ni();
	return accel;
#else
	return 0;
#endif
}

/* blocks - compress n 64-byte blocks, the fastest way this CPU has */
static void
blocks(struct sha256 *s, const unsigned char *p, size_t n)
{
#ifdef SHA256_X86
	if (sha256_accelerated()) {
		blocks_x86(s, p, n);
		return;
	}
#endif
	blocks_portable(s, p, n);
}

/* sha256_init - start a digest */
void
sha256_init(struct sha256 *s)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
	};

	memcpy(s->h, iv, sizeof(iv));
	s->total = 0;
	s->used = 0;
}

/* sha256_update - hash more bytes */
void
sha256_update(struct sha256 *s, const void *p, size_t len)
{
	const unsigned char *c = p;
	size_t n;

	s->total += len;
	while (len > 0) {
		if (s->used == 0 && len >= 64) {
			n = len / 64;
			blocks(s, c, n);
			c += 64 * n;
			len -= 64 * n;
			continue;
		}
		n = 64 - s->used < len ? 64 - s->used : len;
		memcpy(s->block + s->used, c, n);
		s->used += n;
		c += n;
		len -= n;
		if (s->used == 64) {
			blocks(s, s->block, 1);
			s->used = 0;
		}
	}
}

/* sha256_final_hex - finish and write 64 lowercase hex digits plus NUL */
void
sha256_final_hex(struct sha256 *s, char hex[SHA256_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	uint64_t bits = s->total * 8;
	unsigned char pad[72];
	size_t padlen, i;

	padlen = (s->used < 56 ? 56 : 120) - s->used;
	memset(pad, 0, sizeof(pad));
	pad[0] = 0x80;
	for (i = 0; i < 8; i++)
		pad[padlen + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(s, pad, padlen + 8);
	for (i = 0; i < 32; i++) {
		unsigned char byte = (unsigned char)(s->h[i / 4] >>
		    (24 - 8 * (i % 4)));

		hex[2 * i] = digits[byte >> 4];
		hex[2 * i + 1] = digits[byte & 15];
	}
	hex[SHA256_HEX_LEN] = '\0';
}

/* sha256_hex - one-shot digest of a buffer */
void
sha256_hex(const void *p, size_t len, char hex[SHA256_HEX_LEN + 1])
{
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, p, len);
	sha256_final_hex(&s, hex);
}
