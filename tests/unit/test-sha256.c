/*
 * NAME
 *	test-sha256 - FIPS 180-4 example vectors
 */
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

int
main(void)
{
	char hex[SHA256_HEX_LEN + 1];
	struct sha256 s;
	size_t i, r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sha256_init(&s);
		for (r = 0; r < cases[i].repeat; r++)
			sha256_update(&s, cases[i].in, strlen(cases[i].in));
		sha256_final_hex(&s, hex);
		TAP_STR_EQ(hex, cases[i].want, cases[i].name);
	}
	sha256_hex("abc", 3, hex);
	TAP_STR_EQ(hex, cases[1].want, "one-shot");
	return tap_done();
}
