/*
 * NAME
 *	test-buf - the capped buffer
 */
#include <string.h>

#include "psirt/buf.h"
#include "../lib/tap.h"

int
main(void)
{
	struct buf b;
	char big[100];

	buf_init(&b, 10);
	TAP_STR_EQ(buf_cstr(&b), "", "empty buffer is the empty string");
	TAP_LONG_EQ(buf_append(&b, "hello", 5), BUF_OK, "append under the cap");
	TAP_LONG_EQ(buf_append(&b, "world", 5), BUF_OK,
		    "append exactly to the cap");
	TAP_LONG_EQ(buf_putc(&b, '!'), BUF_LIMIT, "one byte over the cap");
	TAP_STR_EQ(buf_cstr(&b), "helloworld",
		   "content unchanged past the cap");
	TAP_LONG_EQ(b.len, 10, "length unchanged past the cap");
	buf_reset(&b);
	TAP_LONG_EQ(buf_printf(&b, "%d-%s", 42, "x"), BUF_OK,
		    "printf under the cap");
	TAP_STR_EQ(buf_cstr(&b), "42-x", "printf content");
	TAP_LONG_EQ(buf_printf(&b, "%s", "0123456789"), BUF_LIMIT,
		    "printf over the cap");
	TAP_STR_EQ(buf_cstr(&b), "42-x", "printf over the cap leaves content");
	buf_free(&b);
	buf_init(&b, 1000);
	memset(big, 'a', sizeof(big));
	for (int i = 0; i < 10; i++)
		(void)buf_append(&b, big, sizeof(big));
	TAP_LONG_EQ(b.len, 1000, "growth by doubling up to the cap");
	TAP_LONG_EQ(buf_append(&b, "", 0), BUF_OK, "empty append at the cap");
	TAP_LONG_EQ(buf_append(&b, big, (size_t)-1), BUF_LIMIT,
		    "huge append refused");
	buf_free(&b);
	buf_init(&b, 100);
	TAP_LONG_EQ(buf_presize(&b, 101), BUF_LIMIT, "presize past the cap");
	TAP_LONG_EQ(buf_presize(&b, 50), BUF_OK, "presize");
	TAP_LONG_EQ(b.alloc, 51, "presize allocates exactly");
	(void)buf_append(&b, "0123456789", 10);
	TAP_LONG_EQ(buf_presize(&b, 20), BUF_OK, "presize below: no change");
	TAP_LONG_EQ(b.alloc, 51, "no reallocation when it fits");
	TAP_STR_EQ(buf_cstr(&b), "0123456789", "content kept");
	buf_free(&b);
	return tap_done();
}
