/*
 * NAME
 *	fuzz-config - the psirt.conf parser
 */
#include <stdlib.h>

#include "psirt/config.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	char *err = NULL;

	config_init(&cfg);
	if (config_parse(&cfg, "fuzz.conf", (const char *)data, size,
	    &err) < 0 && err == NULL)
		abort();
	free(err);
	config_free(&cfg);
	return 0;
}
