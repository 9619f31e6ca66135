/*
 * NAME
 *	test-report - worker result format: round trip and hostile bytes
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psirt/report.h"
#include "../lib/tap.h"

/* rec - append one record to b */
static void
rec(struct buf *b, char tag, const char *v, size_t len)
{
	unsigned char h[5] = {(unsigned char)tag, (unsigned char)(len >> 24),
			      (unsigned char)(len >> 16),
			      (unsigned char)(len >> 8), (unsigned char)len};

	(void)buf_append(b, h, 5);
	(void)buf_append(b, v, len);
}

static const struct {
	const char *name;
	const char *bytes;
	size_t len;
} hostile[] = {
    {"empty input", "", 0},
    {"no end record", "P\0\0\0\6stored", 11},
    {"length past the end", "P\0\0\1\0stored", 11},
    {"truncated header", "P\0\0", 3},
    {"unknown status word",
     "P\0\0\0\4good"
     "Z\0\0\0\0",
     14},
    {"unknown tag",
     "?\0\0\0\1x"
     "Z\0\0\0\0",
     11},
    {"ESC in subject",
     "s\0\0\0\3\033[J"
     "Z\0\0\0\0",
     13},
    {"newline in subject",
     "s\0\0\0\3a\nb"
     "Z\0\0\0\0",
     13},
    {"NUL in body",
     "B\0\0\0\3a\0b"
     "Z\0\0\0\0",
     13},
    {"invalid UTF-8 in body",
     "B\0\0\0\2\xc0\xaf"
     "Z\0\0\0\0",
     12},
    {"content without attachment",
     "c\0\0\0\1x"
     "Z\0\0\0\0",
     11},
    {"unnamed attachment",
     "A\0\0\0\0"
     "Z\0\0\0\0",
     10},
    {"data after end", "Z\0\0\0\0x", 6},
    {"bad flags length",
     "G\0\0\0\1x"
     "Z\0\0\0\0",
     11},
    {"unknown flag bit",
     "G\0\0\0\4\x80\0\0\0"
     "Z\0\0\0\0",
     14},
    {"RLO in name",
     "A\0\0\0\0n\0\0\0\3\xe2\x80\xae"
     "Z\0\0\0\0",
     18},
};

/* written_bytes - report_write() of r onto a new file, read back into out */
static int
written_bytes(const struct report *r, struct buf *out)
{
	unsigned char chunk[4096];
	FILE *f = tmpfile();
	size_t n;
	int rc;

	if (f == NULL)
		return -1;
	rc = report_write(r, fileno(f));
	rewind(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		(void)buf_append(out, chunk, n);
	fclose(f);
	return rc;
}

/*
 * written - report_write() onto a file gives report_encode()'s bytes
 * (enc), here and with an attachment bigger than its staging buffer
 */
static void
written(struct report *r, const struct buf *enc)
{
	struct buf big, got;
	size_t i;

	buf_init(&got, 1 << 22);
	TAP_OK(written_bytes(r, &got) == 0, "report_write: written");
	TAP_OK(got.len == enc->len && memcmp(got.data, enc->data, got.len) ==
	    0, "report_write: report_encode's bytes");
	buf_free(&got);
	buf_init(&big, 1 << 20);
	for (i = 0; i < 100000; i++)
		(void)buf_putc(&big, (int)(i * 7 % 256));
	(void)report_add_attachment(r, "big.bin", "application/octet-stream",
	    big.data, big.len);
	buf_free(&big);
	buf_init(&big, 1 << 22);
	buf_init(&got, 1 << 22);
	TAP_OK(report_encode(r, &big) == BUF_OK && written_bytes(r, &got) == 0,
	    "report_write: 100000-byte attachment written");
	TAP_OK(got.len == big.len && got.len == report_size(r) &&
	    memcmp(got.data, big.data, got.len) == 0,
	    "report_write: the same bytes as report_encode");
	buf_free(&got);
	buf_free(&big);
}

int
main(void)
{
	struct report *r = report_new(), *d = NULL;
	struct attachment *a;
	struct buf b;
	char *err = NULL, hex[SHA256_HEX_LEN + 1];
	size_t i;

	report_set(&r->subject, "Überlauf");
	report_set(&r->from, "Alice <alice@example.test>");
	report_set(&r->message_id, "id@example.test");
	report_set_body(r, "line1\n\tline2\n", 13);
	r->encryption = ENC_PGP_MIME;
	r->signature = SIG_WEAK_HASH;
	r->flags = FLAG_BIDI | FLAG_MULTIPLE_FROM;
	a = report_add_attachment(r, "poc.bin", "application/octet-stream",
				  (const unsigned char *)"a\0b", 3);
	report_set(&a->sniffed_type, "application/octet-stream");
	buf_init(&b, 1 << 20);
	TAP_LONG_EQ(report_encode(r, &b), BUF_OK, "encode");
	TAP_LONG_EQ(report_decode(b.data, b.len, &d, &err), 0, "decode");
	if (d != NULL) {
		TAP_STR_EQ(d->subject, "Überlauf", "subject round trip");
		TAP_STR_EQ(d->body, "line1\n\tline2\n", "body round trip");
		TAP_LONG_EQ(d->encryption, ENC_PGP_MIME,
			    "encryption round trip");
		TAP_LONG_EQ(d->signature, SIG_WEAK_HASH,
			    "signature round trip");
		TAP_LONG_EQ(d->flags, FLAG_BIDI | FLAG_MULTIPLE_FROM,
			    "flags round trip");
		TAP_LONG_EQ(d->natt, 1, "one attachment");
		TAP_LONG_EQ(d->att[0].size, 3, "attachment size with NUL");
		sha256_hex((const unsigned char *)"a\0b", 3, hex);
		TAP_STR_EQ(d->att[0].sha256, hex,
			   "digest computed by the decoder");
		TAP_STR_EQ(d->quarantine_reason, NULL, "no quarantine reason");
	}
	report_free(&d);
	/* Every proper prefix of a valid result is refused. */
	for (i = 0; i < b.len; i++)
		if (report_decode(b.data, i, &d, &err) == 0) {
			report_free(&d);
			break;
		} else
			free(err);
	TAP_LONG_EQ(i, b.len, "every truncation refused");
	/* Encoded in one allocation of exactly its size. */
	TAP_LONG_EQ(b.alloc, b.len + 1, "encode allocates once, exactly");
	TAP_LONG_EQ(report_size(r), b.len, "report_size: the encoded length");
	written(r, &b);
	/* report_decode_buf: the report takes the buffer, no copy. */
	TAP_LONG_EQ(report_decode_buf(&b, 0, &d, &err), 0, "decode_buf");
	TAP_OK(b.data == NULL && b.len == 0, "decode_buf takes the storage");
	TAP_OK(d != NULL && d->natt == 1 && d->backing != NULL &&
	    d->att[0].data >= d->backing &&
	    d->att[0].data < d->backing + d->backing_len &&
	    memcmp(d->att[0].data, "a\0b", 3) == 0,
	    "decode_buf: the content stays in the buffer, unchanged");
	report_free(&d);
	buf_init(&b, 64);
	(void)buf_append(&b, "Pxxxx", 5);
	TAP_LONG_EQ(report_decode_buf(&b, 0, &d, &err), -1,
	    "decode_buf of garbage: refused");
	free(err);
	err = NULL;
	TAP_OK(b.data != NULL && b.len == 5,
	    "a refused buffer stays the caller's");
	buf_free(&b);
	report_free(&r);
	TAP_OK(r == NULL, "report_free NULLs the pointer");
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		err = NULL;
		TAP_LONG_EQ(
		    report_decode((const unsigned char *)hostile[i].bytes,
				  hostile[i].len, &d, &err),
		    -1, hostile[i].name);
		free(err);
	}
	/* A quarantined result keeps its reason. */
	buf_init(&b, 1024);
	rec(&b, 'P', "quarantined", 11);
	rec(&b, 'Q', "limit:max_mime_depth", 20);
	rec(&b, 'Z', "", 0);
	TAP_LONG_EQ(report_decode(b.data, b.len, &d, &err), 0,
		    "quarantined decodes");
	TAP_STR_EQ(d ? d->quarantine_reason : NULL, "limit:max_mime_depth",
		   "reason kept");
	report_free(&d);
	buf_free(&b);
	return tap_done();
}
