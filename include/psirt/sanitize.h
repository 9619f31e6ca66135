/*
 * NAME
 *	sanitize - make untrusted text safe to store and print
 * DESCRIPTION
 *	Input is UTF-8 after charset conversion (invalid sequences may remain).
 *	Output is valid UTF-8 in which: invalid sequences are U+FFFD; CRLF and
 *	lone CR are LF; C0 controls other than LF and TAB, DEL and C1 controls
 *	(ESC above all) are removed; Unicode bidi controls (U+202A-U+202E,
 *	U+2066-U+2069, U+200E, U+200F, U+061C) and zero-width/invisible
 *	characters (U+200B-U+200D, U+2060, U+FEFF, ...) are made visible as
 *	"<U+202E>", never passed through. Each kind seen sets a flag.
 * LIMITS
 *	Output grows at most 8x the input (an invisible character becomes a
 *	10-byte marker); the caller's buffer cap bounds it (BUF_LIMIT).
 * SECURITY
 *	Everything here is attacker-controlled; the output contains no byte a
 *	terminal interprets except LF and TAB (headers: not even those).
 */
#ifndef PSIRT_SANITIZE_H
#define PSIRT_SANITIZE_H

#include <stddef.h>
#include "psirt/buf.h"

#define SANITIZE_MAX_FILENAME 200

/* sanitize_text - multi-line text; BUF_LIMIT past out's cap */
int sanitize_text(const unsigned char *p, size_t len, struct buf *out,
    unsigned int *flags);
/* sanitize_header - one line: also LF/TAB/CR become one space; new string */
char *sanitize_header(const unsigned char *p, size_t len, size_t max,
    unsigned int *flags);
/*
 * sanitize_filename - last path component, controls and invisibles dropped,
 * no leading dots, at most SANITIZE_MAX_FILENAME bytes; "attachment-N"
 * when nothing is left. New string.
 */
char *sanitize_filename(const char *name, size_t index);
/*
 * sanitize_html_to_text - HTML to plain text: script/style dropped, tags
 * removed, block tags become line breaks, entities decoded, then the text
 * rules above. BUF_LIMIT past out's cap.
 */
int sanitize_html_to_text(const unsigned char *p, size_t len,
    struct buf *out, unsigned int *flags);
/* sanitize_sniff_type - a type guessed from the first bytes (magic) */
const char *sanitize_sniff_type(const unsigned char *p, size_t len);

#endif
