/*
 * NAME
 *	test-config - psirt.conf parsing: defaults, units, errors naming lines
 */
#include <stdlib.h>
#include <string.h>

#include "psirt/config.h"
#include "../lib/tap.h"

static const struct {
	const char *name;
	const char *text;
	const char *want_error; /* substring, NULL for success */
} cases[] = {
    {"empty file keeps defaults", "", NULL},
    {"comments and blanks", "# c\n\n   # d\n", NULL},
    {"size with M", "max_message_size = 10M\n", NULL},
    {"time with m", "worker_timeout = 2m\n", NULL},
    {"unknown key", "deadline = 100s\ncolour = blue\n",
     "test.conf:2: unknown key \"colour\""},
    {"bad size unit", "max_message_size = 10X\n",
     "test.conf:1: max_message_size: bad value"},
    {"bad number", "max_mime_depth = deep\n",
     "test.conf:1: max_mime_depth: bad value"},
    {"zero refused", "max_mime_parts = 0\n",
     "test.conf:1: max_mime_parts: must be greater than 0"},
    {"size overflow", "max_message_size = 99999999999999999999G\n",
     "bad value"},
    {"no equals sign", "database /tmp/x\n", "test.conf:1: expected"},
    {"repeated key", "deadline = 10s\ndeadline = 20s\n",
     "test.conf:2: deadline: given twice"},
    {"empty string value", "database =\n", "database: empty value"},
    {"timeout not under deadline", "worker_timeout = 10m\n",
     "must be shorter than deadline"},
    {"deadline past Postfix limit", "deadline = 1000s\n", "command_time_limit"},
    {"bad prefix", "case_prefix = PS-IRT\n", "case_prefix"},
    {"time unit suffix on count", "max_mime_depth = 5s\n", "bad value"},
    {"sla in days", "sla_ack = 2d\nsla_triage = 10d\n", NULL},
    {"sla in hours", "sla_ack = 12h\n", NULL},
    {"sla bad unit", "sla_triage = 5w\n",
     "test.conf:1: sla_triage: bad value \"5w\" (want a time like 60s, 5m,"
     " 1h or 1d)"},
    {"sla zero refused", "sla_ack = 0d\n", "must be greater than 0"},
    {"sla day overflow", "sla_ack = 999999999999999999d\n", "bad value"},
};

int
main(void)
{
	struct config cfg;
	char *err;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err = NULL;
		config_init(&cfg);
		rc = config_parse(&cfg, "test.conf", cases[i].text,
				  strlen(cases[i].text), &err);
		if (cases[i].want_error == NULL)
			TAP_OK(rc == 0, "%s (error: %s)", cases[i].name,
			       err ? err : "none");
		else
			TAP_OK(rc < 0 && err != NULL &&
				   strstr(err, cases[i].want_error) != NULL,
			       "%s (got: %s)", cases[i].name,
			       err ? err : "none");
		free(err);
		config_free(&cfg);
	}
	config_init(&cfg);
	TAP_LONG_EQ(cfg.limits.max_message_size, 50UL * 1024 * 1024,
		    "default max_message_size 50M");
	TAP_LONG_EQ(cfg.limits.max_mime_depth, 20, "default max_mime_depth 20");
	TAP_LONG_EQ(cfg.limits.max_mime_parts, 500,
		    "default max_mime_parts 500");
	TAP_LONG_EQ(cfg.limits.max_header_size, 256 * 1024,
		    "default max_header_size 256K");
	TAP_LONG_EQ(cfg.limits.max_decrypted_size, 100UL * 1024 * 1024,
		    "default max_decrypted_size 100M");
	TAP_LONG_EQ(cfg.worker_memory_limit, 1024UL * 1024 * 1024,
		    "default worker_memory_limit 1G");
	TAP_LONG_EQ(cfg.worker_timeout, 60, "default worker_timeout 60s");
	TAP_LONG_EQ(cfg.deadline, 300, "default deadline 300s");
	TAP_STR_EQ(cfg.case_prefix, "PSIRT", "default case_prefix");
	TAP_LONG_EQ(cfg.sla_ack, 86400, "default sla_ack 1d");
	TAP_LONG_EQ(cfg.sla_triage, 5 * 86400, "default sla_triage 5d");
	err = NULL;
	{
		const char *t = "max_header_size = 4k\nworker_timeout = 90s\n"
				"case_prefix = SEC\nsla_ack = 2d\n"
				"sla_triage = 36h\n";

		rc = config_parse(&cfg, "t", t, strlen(t), &err);
	}
	TAP_LONG_EQ(rc, 0, "override parses");
	TAP_LONG_EQ(cfg.limits.max_header_size, 4096, "4k is 4096");
	TAP_LONG_EQ(cfg.worker_timeout, 90, "90s");
	TAP_STR_EQ(cfg.case_prefix, "SEC", "case_prefix override");
	TAP_LONG_EQ(cfg.sla_ack, 2 * 86400, "sla_ack 2d is 172800 s");
	TAP_LONG_EQ(cfg.sla_triage, 36 * 3600, "sla_triage 36h");
	config_free(&cfg);
	config_init(&cfg);
	rc = config_load(&cfg, "/nonexistent/psirt.conf", &err);
	TAP_OK(rc < 0 &&
		   strstr(err, "/nonexistent/psirt.conf: cannot open") != NULL,
	       "unreadable file named");
	free(err);
	config_free(&cfg);
	return tap_done();
}
