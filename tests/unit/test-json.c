/*
 * NAME
 *	test-json - JSON string escaping
 */
#include "psirt/json.h"
#include "../lib/tap.h"

static const struct {
	const char *name;
	const char *in;
	const char *want;
} cases[] = {
    {"plain", "abc", "\"abc\""},
    {"quote and backslash", "a\"b\\c", "\"a\\\"b\\\\c\""},
    {"newline and tab", "a\nb\tc", "\"a\\nb\\tc\""},
    {"ESC", "\033[2J", "\"\\u001b[2J\""},
    {"RLO", "\xe2\x80\xae", "\"\\u202e\""},
    {"C1", "\xc2\x85", "\"\\u0085\""},
    {"invalid UTF-8", "a\xffz", "\"a\\ufffdz\""},
    {"UTF-8 kept", "\xc3\xa9", "\"\xc3\xa9\""},
    {"tag character as a surrogate pair", "\xf3\xa0\x81\x81",
     "\"\\udb40\\udc41\""},
    {"NULL", NULL, "null"},
};

int
main(void)
{
	struct buf b;
	size_t i;
	int first = 1;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_init(&b, 1024);
		json_string(&b, cases[i].in);
		TAP_STR_EQ(buf_cstr(&b), cases[i].want, cases[i].name);
		buf_free(&b);
	}
	buf_init(&b, 1024);
	json_key(&b, &first, "a");
	(void)buf_puts(&b, "1");
	json_key(&b, &first, "b");
	(void)buf_puts(&b, "2");
	TAP_STR_EQ(buf_cstr(&b), "\"a\":1,\"b\":2", "keys with commas");
	buf_free(&b);
	return tap_done();
}
