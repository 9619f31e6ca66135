/*
 * NAME
 *	sha256 - SHA-256 (FIPS 180-4) for raw-message and attachment digests
 * DESCRIPTION
 *	None of the fixed dependencies exposes a hash function (gpgme hashes
 *	only inside gpg), so this small, test-vector-checked implementation
 *	names the spool files and proves receipt.
 */
#ifndef PSIRT_SHA256_H
#define PSIRT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_HEX_LEN 64

struct sha256 {
	uint32_t h[8];
	uint64_t total;
	unsigned char block[64];
	size_t used;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *p, size_t len);
/* sha256_final_hex - finish and write 64 lowercase hex digits plus NUL */
void sha256_final_hex(struct sha256 *s, char hex[SHA256_HEX_LEN + 1]);
/* sha256_hex - one-shot digest of a buffer */
void sha256_hex(const void *p, size_t len, char hex[SHA256_HEX_LEN + 1]);
/* sha256_accelerated - 1 when the CPU's SHA extensions do the work */
int sha256_accelerated(void);

#endif
