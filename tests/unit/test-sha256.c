/*
 * NAME
 *	test-sha256 - FIPS 180-4 example vectors
 * DESCRIPTION
 *	Built twice: as test-sha256 (the CPU's SHA extensions when it has
 *	them) and as test-sha256-portable (PSIRT_SHA256_PORTABLE: the
 *	portable code only). Inputs go in one piece, in pieces that are not
 *	multiples of a block, and a byte at a time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psirt/sha256.h"
#include "../lib/tap.h"

static const struct {
	const char *name;
	const char *in;
	size_t repeat;
	const char *want;
} cases[] = {
    {"empty", "", 1,
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abc", "abc", 1,
     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"two-block message",
     "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {"one million a", "a", 1000000,
     "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
    {"55 bytes (padding edge)",
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1,
     "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
    {"64 bytes (one block)",
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1,
     "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
};

/* million_a - one million "a" hashed in pieces of size step */
static void
million_a(size_t step, const char *name)
{
	char hex[SHA256_HEX_LEN + 1];
	unsigned char *a = malloc(1000000);
	struct sha256 s;
	size_t off, n;

	if (a == NULL)
		return;
	memset(a, 'a', 1000000);
	sha256_init(&s);
	for (off = 0; off < 1000000; off += n) {
		n = 1000000 - off < step ? 1000000 - off : step;
		sha256_update(&s, a + off, n);
	}
	sha256_final_hex(&s, hex);
	TAP_STR_EQ(hex, cases[3].want, name);
	free(a);
}

int
main(void)
{
	char hex[SHA256_HEX_LEN + 1];
	struct sha256 s;
	size_t i, r;

	printf("# SHA extensions used: %s\n", sha256_accelerated() ? "yes" :
	    "no");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sha256_init(&s);
		for (r = 0; r < cases[i].repeat; r++)
			sha256_update(&s, cases[i].in, strlen(cases[i].in));
		sha256_final_hex(&s, hex);
		TAP_STR_EQ(hex, cases[i].want, cases[i].name);
	}
	sha256_hex("abc", 3, hex);
	TAP_STR_EQ(hex, cases[1].want, "one-shot");
	million_a(1000000, "one million a in one piece");
	million_a(1000, "one million a in pieces of 1000 bytes");
	million_a(4097, "one million a in pieces of 4097 bytes");
	return tap_done();
}
