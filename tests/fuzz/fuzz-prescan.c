/*
 * NAME
 *	fuzz-prescan - the MIME pre-scan that guards libetpan
 */
#include "psirt/prescan.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct limits lim = { 1024 * 1024, 20, 500, 65536, 1024 * 1024 };

	(void)prescan_check(data, size, &lim);
	return 0;
}
