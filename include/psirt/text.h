/*
 * NAME
 *	text - UTF-8 decoding and printable escaping
 * DESCRIPTION
 *	text_utf8_decode() is the one strict UTF-8 decoder (no overlongs, no
 *	surrogates, nothing above U+10FFFF). text_printable() makes any bytes
 *	safe for a log line or a terminal: controls, DEL, C1, invalid UTF-8,
 *	bidi and zero-width characters become visible escapes. Every attacker-
 *	supplied value goes through it before it is logged or printed.
 * SECURITY
 *	The output never contains a byte below 0x20, DEL, C1, or a bidi or
 *	invisible code point.
 */
#ifndef PSIRT_TEXT_H
#define PSIRT_TEXT_H

#include <stddef.h>
#include <stdint.h>

#define TEXT_REPLACEMENT 0xFFFDu

/*
 * text_utf8_decode - decode one code point at p (len bytes available);
 * returns the bytes consumed (1-4) and sets *cp, or returns 0 and consumes
 * nothing meaningful for an invalid sequence (caller skips one byte).
 */
size_t text_utf8_decode(const unsigned char *p, size_t len, uint32_t *cp);
/* text_utf8_encode - encode cp into out[4]; returns the length */
size_t text_utf8_encode(uint32_t cp, unsigned char out[4]);
/* text_is_invisible - bidi control, zero-width or other invisible char */
int text_is_invisible(uint32_t cp);
/* text_b64_value - value of a base64 digit, -1 for anything else */
int text_b64_value(int c);
/* text_is_clean - valid UTF-8 with no control except (allow_nl) \n and \t */
int text_is_clean(const unsigned char *p, size_t len, int allow_nl);
/*
 * text_printable - escape bytes for one log or terminal line; at most max
 * input bytes are shown ("..." marks the cut). Returns a new string.
 */
char *text_printable(const unsigned char *p, size_t len, size_t max);
/* text_printable_str - the same for a C string (NULL gives "") */
char *text_printable_str(const char *s, size_t max);

#endif
