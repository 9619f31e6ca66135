/*
 * NAME
 *	text - UTF-8 decoding and printable escaping
 * DESCRIPTION
 *	See include/psirt/text.h. One strict decoder serves the sanitizer,
 *	the JSON writer, the log escaper and the worker-result checks.
 * SECURITY
 *	text_printable() output holds only printable ASCII and printable,
 *	visible non-ASCII code points.
 */
#include <stdint.h>
#include <string.h>

#include "psirt/buf.h"
#include "psirt/text.h"
#include "psirt/xalloc.h"

/* text_utf8_decode - decode one strict UTF-8 sequence, 0 if invalid */
size_t
text_utf8_decode(const unsigned char *p, size_t len, uint32_t *cp)
{
	uint32_t c;
	size_t n, i;

	if (len == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		n = 2;
		c = p[0] & 0x1F;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		n = 3;
		c = p[0] & 0x0F;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		n = 4;
		c = p[0] & 0x07;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3F);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10FFFF ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

/* text_utf8_encode - encode cp into out[4]; returns the length */
size_t
text_utf8_encode(uint32_t cp, unsigned char out[4])
{
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = TEXT_REPLACEMENT;
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xC0 | (cp >> 6));
		out[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xE0 | (cp >> 12));
		out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (unsigned char)(0xF0 | (cp >> 18));
	out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* text_is_invisible - bidi control, zero-width or other invisible char */
int
text_is_invisible(uint32_t cp)
{
	return cp == 0x00AD || cp == 0x034F || cp == 0x061C ||
	    cp == 0x115F || cp == 0x1160 || cp == 0x17B4 || cp == 0x17B5 ||
	    cp == 0x180E || (cp >= 0x200B && cp <= 0x200F) ||
	    (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) ||
	    cp == 0x3164 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF ||
	    cp == 0xFFA0 || (cp >= 0xFFF9 && cp <= 0xFFFB) ||
	    (cp >= 0xE0000 && cp <= 0xE007F);
}

/* text_b64_value - value of a base64 digit, -1 for anything else */
int
text_b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* text_is_clean - valid UTF-8 without controls (LF/TAB if allow_nl) */
int
text_is_clean(const unsigned char *p, size_t len, int allow_nl)
{
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		n = text_utf8_decode(p + i, len - i, &cp);
		if (n == 0)
			return 0;
		if (cp < 0x20 && !(allow_nl && (cp == '\n' || cp == '\t')))
			return 0;
		if (cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
			return 0;
		if (text_is_invisible(cp))
			return 0;
		i += n;
	}
	return 1;
}

/* text_printable - escape bytes for one log or terminal line */
char *
text_printable(const unsigned char *p, size_t len, size_t max)
{
	struct buf out;
	size_t i = 0, n;
	uint32_t cp;

	buf_init(&out, 16 * (len < max ? len : max) + 16);
	while (i < len) {
		if (i >= max) {
			(void)buf_puts(&out, "...");
			break;
		}
		n = text_utf8_decode(p + i, len - i, &cp);
		if (n == 0) {
			(void)buf_printf(&out, "\\x%02X", p[i]);
			i++;
			continue;
		}
		if (cp < 0x20 || cp == 0x7F)
			(void)buf_printf(&out, "\\x%02X", (unsigned)cp);
		else if (cp == '\\')
			(void)buf_puts(&out, "\\\\");
		else if ((cp >= 0x80 && cp <= 0x9F) || text_is_invisible(cp))
			(void)buf_printf(&out, "<U+%04X>", (unsigned)cp);
		else
			(void)buf_append(&out, p + i, n);
		i += n;
	}
	return buf_steal(&out);
}

/* text_printable_str - the same for a C string (NULL gives "") */
char *
text_printable_str(const char *s, size_t max)
{
	if (s == NULL)
		return xstrdup("");
	return text_printable((const unsigned char *)s, strlen(s), max);
}
