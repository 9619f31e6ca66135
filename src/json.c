/*
 * NAME
 *	json - minimal JSON writer for --json output
 * DESCRIPTION
 *	See include/psirt/json.h.
 * SECURITY
 *	Strings from the queue are attacker-written: the escaping here keeps
 *	the document valid and free of raw controls and invisible characters.
 */
#include <stdint.h>
#include <string.h>

#include "psirt/json.h"
#include "psirt/text.h"

/* json_string - append s as a quoted JSON string (NULL gives null) */
void
json_string(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, i = 0, n;
	uint32_t cp;

	if (s == NULL) {
		(void)buf_puts(out, "null");
		return;
	}
	len = strlen(s);
	(void)buf_putc(out, '"');
	while (i < len) {
		n = text_utf8_decode(p + i, len - i, &cp);
		if (n == 0) {
			(void)buf_puts(out, "\\ufffd");
			i++;
			continue;
		}
		if (cp == '"' || cp == '\\')
			(void)buf_printf(out, "\\%c", (char)cp);
		else if (cp == '\n')
			(void)buf_puts(out, "\\n");
		else if (cp == '\t')
			(void)buf_puts(out, "\\t");
		else if (cp >= 0x10000 && text_is_invisible(cp))
			(void)buf_printf(out, "\\u%04x\\u%04x",
			    (unsigned)(0xD800 + ((cp - 0x10000) >> 10)),
			    (unsigned)(0xDC00 + ((cp - 0x10000) & 0x3FF)));
		else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||
		    text_is_invisible(cp))
			(void)buf_printf(out, "\\u%04x", (unsigned)cp);
		else
			(void)buf_append(out, p + i, n);
		i += n;
	}
	(void)buf_putc(out, '"');
}

/* json_key - append "key": with a comma when not first */
void
json_key(struct buf *out, int *first, const char *key)
{
	if (!*first)
		(void)buf_putc(out, ',');
	*first = 0;
	json_string(out, key);
	(void)buf_putc(out, ':');
}
