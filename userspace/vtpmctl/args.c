// SPDX-License-Identifier: GPL-2.0
/*
 * args.c - the command line of each object and command, into a request
 *
 * Keywords are matched exactly (no abbreviations). The instance (NAME,
 * or "id ID") comes first, options follow in any order; a repeated
 * option overrides the earlier one.
 */
#include <stddef.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "util.h"

const char vtpm_usage_main[] =
	"Usage: vtpmctl [OPTIONS] instance COMMAND [ARGS]\n"
	"       vtpmctl [OPTIONS] monitor\n"
	"       vtpmctl help | vtpmctl OBJECT help\n"
	"OBJECT := { instance | monitor }\n"
	"OPTIONS := { -j | -p | -V | -h }\n"
	"  -j, --json        JSON output\n"
	"  -p, --pretty      indented JSON output (implies -j)\n"
	"  -V, --version     print the version and exit\n"
	"  -h, --help        this help\n";

static const char usage_instance[] =
	"Usage: vtpmctl instance add NAME [owner USER] [group GROUP] [mode OCTAL]\n"
	"                            [banks BANK[,BANK]...]\n"
	"       vtpmctl instance del INSTANCE\n"
	"       vtpmctl instance show [INSTANCE]\n"
	"       vtpmctl instance reset INSTANCE\n"
	"       vtpmctl instance help\n"
	"INSTANCE := { NAME | id ID }\n"
	"BANK := { sha1 | sha256 | sha384 }\n";

static const char usage_monitor[] =
	"Usage: vtpmctl monitor\n"
	"       vtpmctl monitor help\n";

/*
 * INSTANCE at argv[0] ("NAME" or "id ID") into @r; *@used: words taken.
 */
static int instance_sel(int argc, char **argv, struct vtpm_req *r, int *used)
{
	struct vtpm_inst *t = &r->m.inst;
	int i = 0;

	if (argv[0][0] == '-')
		return genl_usage_err(usage_instance,
				      "\"%s\": options go before the object",
				      argv[0]);
	if (!strcmp(argv[0], "id")) {
		const char *v = genl_arg_value(argc, argv, &i, usage_instance);

		if (!v)
			return EXIT_USAGE;
		if (genl_parse_u32(v, 1, UINT32_MAX, &t->id))
			return genl_bad_value(usage_instance, "instance id", v);
		VTPM_SET(t, VTPM_A_ID);
		*used = 2;
		return 0;
	}
	if (vtpm_parse_name(argv[0], t->name))
		return genl_usage_err(usage_instance,
				      "invalid instance name \"%s\" (1-%d of A-Z a-z 0-9 _ . -)",
				      argv[0], VTPM_NAME_MAX);
	VTPM_SET(t, VTPM_A_NAME);
	*used = 1;
	return 0;
}

/* One "KEYWORD VALUE" option of instance add at argv[*i]. */
static int add_opt(int argc, char **argv, int *i, struct vtpm_inst *t)
{
	const char *kw = argv[*i];
	const char *v = genl_arg_value(argc, argv, i, usage_instance);

	if (!v)
		return EXIT_USAGE;
	if (!strcmp(kw, "owner")) {
		if (vtpm_parse_user(v, &t->uid))
			return genl_bad_value(usage_instance,
					      "owner (no such user)", v);
		VTPM_SET(t, VTPM_A_UID);
	} else if (!strcmp(kw, "group")) {
		if (vtpm_parse_group(v, &t->gid))
			return genl_bad_value(usage_instance,
					      "group (no such group)", v);
		VTPM_SET(t, VTPM_A_GID);
	} else if (!strcmp(kw, "mode")) {
		if (vtpm_parse_mode(v, &t->mode))
			return genl_bad_value(usage_instance,
					      "mode (octal, 1..0777)", v);
		VTPM_SET(t, VTPM_A_MODE);
	} else {
		if (vtpm_parse_banks(v, &t->banks))
			return genl_bad_value(usage_instance,
					      "banks (comma list of sha1, sha256, sha384)", v);
		VTPM_SET(t, VTPM_A_BANKS);
	}
	return 0;
}

static bool is_add_opt(const char *s)
{
	return !strcmp(s, "owner") || !strcmp(s, "group") ||
	       !strcmp(s, "mode") || !strcmp(s, "banks");
}

static int parse_add(int argc, char **argv, struct vtpm_req *r)
{
	int i;

	r->m.cmd = VTPM_CMD_INSTANCE_NEW;
	if (argc < 1)
		return genl_usage_err(usage_instance, "an instance name is required");
	if (!strcmp(argv[0], "id"))
		return genl_usage_err(usage_instance,
				      "a new instance is named; the kernel picks its id");
	if (instance_sel(argc, argv, r, &i))
		return EXIT_USAGE;
	for (; i < argc; i++) {
		if (!is_add_opt(argv[i]))
			return genl_usage_err(usage_instance,
					      "unknown argument \"%s\"", argv[i]);
		if (add_opt(argc, argv, &i, &r->m.inst))
			return EXIT_USAGE;
	}
	return 0;
}

/* INSTANCE and nothing else; @optional: may be absent (a dump). */
static int only_instance(int argc, char **argv, struct vtpm_req *r,
			 bool optional)
{
	int used;

	if (argc < 1) {
		if (optional) {
			r->dump = true;
			return 0;
		}
		return genl_usage_err(usage_instance,
				      "an instance (NAME or id ID) is required");
	}
	if (instance_sel(argc, argv, r, &used))
		return EXIT_USAGE;
	if (argc > used)
		return genl_usage_err(usage_instance, "unknown argument \"%s\"",
				      argv[used]);
	return 0;
}

static int parse_del(int argc, char **argv, struct vtpm_req *r)
{
	r->m.cmd = VTPM_CMD_INSTANCE_DEL;
	return only_instance(argc, argv, r, false);
}

static int parse_show(int argc, char **argv, struct vtpm_req *r)
{
	r->m.cmd = VTPM_CMD_INSTANCE_GET;
	return only_instance(argc, argv, r, true);
}

static int parse_reset(int argc, char **argv, struct vtpm_req *r)
{
	r->m.cmd = VTPM_CMD_INSTANCE_RESET;
	return only_instance(argc, argv, r, false);
}

static int parse_monitor(int argc, char **argv, struct vtpm_req *r)
{
	(void)r;
	if (argc > 0)
		return genl_usage_err(usage_monitor, "unknown argument \"%s\"",
				      argv[0]);
	return 0;
}

static const struct vtpm_cmd_def instance_cmds[] = {
	{ "add", parse_add, vtpm_run_add },
	{ "del", parse_del, vtpm_run_do },
	{ "show", parse_show, vtpm_run_show },
	{ "reset", parse_reset, vtpm_run_do },
	{ NULL, NULL, NULL },
};

/* monitor has no command word: the empty name matches "no command" */
static const struct vtpm_cmd_def monitor_cmds[] = {
	{ "", parse_monitor, vtpm_run_monitor },
	{ NULL, NULL, NULL },
};

static const struct vtpm_object objects[] = {
	{ "instance", usage_instance, instance_cmds, "show" },
	{ "monitor", usage_monitor, monitor_cmds, "" },
};

const struct vtpm_object *vtpm_object_find(const char *name)
{
	for (size_t i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		if (!strcmp(objects[i].name, name))
			return &objects[i];
	return NULL;
}

int vtpm_args_parse(const struct vtpm_object *o, int argc, char **argv,
		    struct vtpm_req *r, const struct vtpm_cmd_def **cmd)
{
	const struct vtpm_cmd_def *c;
	const char *name = argc ? argv[0] : o->def_cmd;

	memset(r, 0, sizeof(*r));
	if (argc && !strcmp(argv[0], "help"))
		return genl_help(o->usage), VTPM_HELP;
	if (!o->cmds[0].name[0]) {	/* no command word */
		*cmd = &o->cmds[0];
		return o->cmds[0].parse(argc, argv, r);
	}
	if (!name)
		return genl_usage_err(o->usage, "a command is required");
	for (c = o->cmds; c->name; c++)
		if (!strcmp(c->name, name))
			break;
	if (!c->name)
		return genl_usage_err(o->usage, "unknown command \"%s\"", name);
	*cmd = c;
	if (argc)
		argc--, argv++;
	if (argc && !strcmp(argv[0], "help"))
		return genl_help(o->usage), VTPM_HELP;
	return c->parse(argc, argv, r);
}
