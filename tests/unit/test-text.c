/*
 * NAME
 *	test-text - strict UTF-8 and printable escaping
 */
#include <stdlib.h>
#include <string.h>

#include "psirt/text.h"
#include "../lib/tap.h"

static const struct {
	const char *name;
	const char *in;
	size_t len;
	const char *want;
} printable[] = {
    {"plain ASCII", "hello", 5, "hello"},
    {"ESC sequence", "\033[2Jx", 5, "\\x1B[2Jx"},
    {"newline and tab", "a\nb\tc", 5, "a\\x0Ab\\x09c"},
    {"backslash doubled", "a\\b", 3, "a\\\\b"},
    {"valid UTF-8 kept", "caf\xc3\xa9", 5, "caf\xc3\xa9"},
    {"RLO made visible",
     "a\xe2\x80\xae"
     "b",
     5, "a<U+202E>b"},
    {"C1 CSI made visible",
     "\xc2\x9b"
     "1m",
     4, "<U+009B>1m"},
    {"invalid byte escaped", "\xff", 1, "\\xFF"},
    {"overlong slash escaped", "\xc0\xaf", 2, "\\xC0\\xAF"},
    {"surrogate escaped", "\xed\xa0\x80", 3, "\\xED\\xA0\\x80"},
    {"NUL escaped", "a\0b", 3, "a\\x00b"},
    {"DEL escaped", "\x7f", 1, "\\x7F"},
    {"zero-width space visible", "\xe2\x80\x8b", 3, "<U+200B>"},
};

int
main(void)
{
	size_t i;
	char *s;

	for (i = 0; i < sizeof(printable) / sizeof(printable[0]); i++) {
		s = text_printable((const unsigned char *)printable[i].in,
				   printable[i].len, 100);
		TAP_STR_EQ(s, printable[i].want, printable[i].name);
		free(s);
	}
	s = text_printable((const unsigned char *)"abcdef", 6, 3);
	TAP_STR_EQ(s, "abc...", "cut at max with a mark");
	free(s);
	TAP_OK(text_is_clean((const unsigned char *)"a\nb", 3, 1),
	       "clean with LF allowed");
	TAP_OK(!text_is_clean((const unsigned char *)"a\nb", 3, 0),
	       "LF refused in one-line text");
	TAP_OK(!text_is_clean((const unsigned char *)"\xe2\x81\xa6", 3, 1),
	       "isolate U+2066 not clean");
	TAP_OK(!text_is_clean((const unsigned char *)"\xf4\x90\x80\x80", 4, 1),
	       "above U+10FFFF not clean");
	TAP_OK(text_is_clean((const unsigned char *)"\xf0\x9f\x98\x80", 4, 0),
	       "emoji clean");
	return tap_done();
}
