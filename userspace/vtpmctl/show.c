// SPDX-License-Identifier: GPL-2.0
/*
 * show.c - text and JSON output from the same calls
 *
 * Text is one line per instance in the command's own keywords
 * ("vm1: id 1 tpm /dev/tpm0 tpmrm /dev/tpmrm0 owner 107 group 107 mode
 * 0600 banks sha1,sha256 commands 42 mem 61440"), so that a line reads
 * like the command that made it. JSON has one object per instance with
 * the same fields; owner and group are numbers, mode an octal string,
 * banks an array of names.
 */
#include <inttypes.h>
#include <stdio.h>

#include "print.h"
#include "show.h"
#include "util.h"

static void show_banks(uint32_t banks)
{
	char buf[VTPM_BANKS_STRLEN + 64];
	const char *n;

	vtpm_format_banks(banks, buf, sizeof(buf));
	pr_str(PR_TEXT, "banks", " banks %s", buf);
	if (!pr_is_json())
		return;
	pr_open_array("banks");
	for (unsigned int i = 0; i < 32; i++) {
		if (!(banks & (1u << i)))
			continue;
		n = vtpm_bank_name(i);
		if (n) {
			pr_str(PR_JSON, NULL, NULL, n);
		} else {
			snprintf(buf, sizeof(buf), "bit%u", i);
			pr_str(PR_JSON, NULL, NULL, buf);
		}
	}
	pr_close_array();
}

static void show_dev(const struct vtpm_inst *t)
{
	char path[32];

	pr_u64(PR_JSON, "dev_num", NULL, t->dev_num);
	snprintf(path, sizeof(path), "/dev/tpm%u", t->dev_num);
	pr_str(PR_ANY, "tpm", " tpm %s", path);
	snprintf(path, sizeof(path), "/dev/tpmrm%u", t->dev_num);
	pr_str(PR_ANY, "tpmrm", " tpmrm %s", path);
}

static void show_instance(const char *key, const struct vtpm_inst *t)
{
	char mode[8];

	pr_open_object(key);
	pr_str(PR_ANY, "name", "%s:", VTPM_HAS(t, VTPM_A_NAME) ? t->name : "?");
	if (VTPM_HAS(t, VTPM_A_ID))
		pr_u64(PR_ANY, "id", " id %" PRIu64, t->id);
	if (VTPM_HAS(t, VTPM_A_DEV_NUM))
		show_dev(t);
	if (VTPM_HAS(t, VTPM_A_UID))
		pr_u64(PR_ANY, "owner", " owner %" PRIu64, t->uid);
	if (VTPM_HAS(t, VTPM_A_GID))
		pr_u64(PR_ANY, "group", " group %" PRIu64, t->gid);
	if (VTPM_HAS(t, VTPM_A_MODE)) {
		snprintf(mode, sizeof(mode), "%04o", t->mode & 07777);
		pr_str(PR_ANY, "mode", " mode %s", mode);
	}
	if (VTPM_HAS(t, VTPM_A_BANKS))
		show_banks(t->banks);
	if (VTPM_HAS(t, VTPM_A_COMMANDS))
		pr_u64(PR_ANY, "commands", " commands %" PRIu64, t->commands);
	if (VTPM_HAS(t, VTPM_A_MEM))
		pr_u64(PR_ANY, "mem", " mem %" PRIu64, t->mem);
	pr_eol();
	pr_close_object();
}

void vtpm_show_instance(const struct vtpm_inst *t)
{
	show_instance(NULL, t);
}

static const struct {
	uint8_t cmd;
	const char *text, *json;
} events[] = {
	{ VTPM_CMD_INSTANCE_NEW_NTF, "instance new ", "instance-new" },
	{ VTPM_CMD_INSTANCE_DEL_NTF, "instance del ", "instance-del" },
	{ VTPM_CMD_INSTANCE_RESET_NTF, "instance reset ", "instance-reset" },
};

/* Text: "instance new " and the instance's line; JSON: {"event", "instance"}. */
void vtpm_show_event(const struct vtpm_msg *m)
{
	size_t i, n = sizeof(events) / sizeof(events[0]);

	for (i = 0; i < n && events[i].cmd != m->cmd; i++)
		;
	if (i == n)
		return;
	pr_open_object(NULL);
	pr_str(PR_TEXT, "event", "%s", events[i].text);
	pr_str(PR_JSON, "event", NULL, events[i].json);
	show_instance("instance", &m->inst);
	pr_close_object();
}
