// SPDX-License-Identifier: GPL-2.0
/*
 * test_vtpmctl.c - host-side unit tests of vtpmctl (TAP 13)
 *
 * No kernel module needed: the value parsers, each command line into its
 * request, requests encoded and decoded again, canned replies (built
 * attribute by attribute as the kernel's fill_instance() does) parsed and
 * printed as text and JSON, and extended ACKs parsed and printed.
 *
 *   test_vtpmctl [JSON_FILE]   JSON_FILE: the printers' JSON, for cli.sh
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "args.h"
#include "attrs.h"
#include "extack.h"
#include "print.h"
#include "show.h"
#include "util.h"

#define FAMILY	0x1d

static int n_test, n_fail;
static FILE *json_out;

static void ok(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++n_test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		n_fail++;
}

static void same(const char *got, const char *want, const char *name)
{
	int eq = !strcmp(got, want);

	ok(eq, "%s", name);
	if (!eq)
		printf("# got:\n# %s\n# want:\n# %s\n", got, want);
}

static char *cap_buf;
static size_t cap_len;
static FILE *cap;

static void cap_begin(void)
{
	cap = open_memstream(&cap_buf, &cap_len);
}

static const char *cap_end(void)
{
	static char *last;

	fclose(cap);
	free(last);
	last = cap_buf;
	return last;
}

/* Parse "OBJECT ARGS..." (split on blanks); @err: the message printed. */
static int parse(const char *line, struct vtpm_req *r, const char **err)
{
	const struct vtpm_cmd_def *cmd;
	const struct vtpm_object *o;
	char *copy = strdup(line), *argv[32], *tok, *save = NULL;
	int argc = 0, ret, saved, null;

	for (tok = strtok_r(copy, " ", &save); tok && argc < 31;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	o = vtpm_object_find(argv[0]);
	cap_begin();
	genl_err = cap;
	/* help goes to stdout: keep it out of the TAP stream */
	fflush(stdout);
	saved = dup(1);
	null = open("/dev/null", O_WRONLY);
	dup2(null, 1);
	ret = o ? vtpm_args_parse(o, argc - 1, argv + 1, r, &cmd) : -100;
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(null);
	genl_err = NULL;
	*err = cap_end();
	free(copy);
	return ret;
}

/* ------------------------------------------------------------- values */

static void test_values(void)
{
	static const char *const bad_names[] = {
		"", "a b", "a/b", "vm:1", "\xc3\xa9", "123456789012345678901234567890123",
	};
	static const char *const bad_modes[] = {
		"", "0", "1000", "0800", "8", "-1", "+600", "0x1ff", " 600", "00000",
	};
	static const char *const bad_banks[] = {
		"", ",", "sha1,", ",sha1", "sha1,sha1", "sha512", "SHA1", "sha1 ",
	};
	char name[VTPM_NAME_MAX + 1], buf[64];
	uint32_t v;
	size_t i;
	int good = 1;

	ok(!vtpm_parse_name("vm-1_a.B", name) && !strcmp(name, "vm-1_a.B"),
	   "name: letters, digits, _ . - accepted");
	ok(!vtpm_parse_name("12345678901234567890123456789012", name),
	   "name: 32 characters accepted");
	for (i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++)
		if (!vtpm_parse_name(bad_names[i], name))
			good = 0, printf("# accepted name \"%s\"\n", bad_names[i]);
	ok(good, "name: %zu bad names rejected", i);

	ok(!vtpm_parse_mode("600", &v) && v == 0600, "mode: 600 is 0600");
	ok(!vtpm_parse_mode("0777", &v) && v == 0777, "mode: 0777");
	ok(!vtpm_parse_mode("1", &v) && v == 1, "mode: 1");
	good = 1;
	for (i = 0; i < sizeof(bad_modes) / sizeof(bad_modes[0]); i++)
		if (!vtpm_parse_mode(bad_modes[i], &v))
			good = 0, printf("# accepted mode \"%s\"\n", bad_modes[i]);
	ok(good, "mode: %zu bad modes rejected (0 included)", i);

	ok(!vtpm_parse_banks("sha256", &v) && v == VTPM_BANK_SHA256,
	   "banks: one");
	ok(!vtpm_parse_banks("sha384,sha1,sha256", &v) && v == VTPM_BANKS_ALL,
	   "banks: all three, any order");
	good = 1;
	for (i = 0; i < sizeof(bad_banks) / sizeof(bad_banks[0]); i++)
		if (!vtpm_parse_banks(bad_banks[i], &v))
			good = 0, printf("# accepted banks \"%s\"\n", bad_banks[i]);
	ok(good, "banks: %zu bad lists rejected", i);
	vtpm_format_banks(VTPM_BANKS_DEFAULT, buf, sizeof(buf));
	same(buf, "sha1,sha256", "banks: default printed");
	vtpm_format_banks(0x9, buf, sizeof(buf));
	same(buf, "sha1,bit3", "banks: unknown bit printed as bitN");

	ok(!vtpm_parse_user("0", &v) && v == 0, "owner: number");
	ok(!vtpm_parse_user("root", &v) && v == 0, "owner: name (root)");
	ok(vtpm_parse_user("no-such-user-vtpmctl", &v) != 0,
	   "owner: unknown name rejected");
	ok(vtpm_parse_user("4294967295", &v) != 0, "owner: (uid_t)-1 rejected");
	ok(!vtpm_parse_group("root", &v) && v == 0, "group: name (root)");
}

/* --------------------------------------------------------- command lines */

static void test_args(void)
{
	struct vtpm_req r;
	const char *err;
	const struct vtpm_inst *t = &r.m.inst;

	ok(!parse("instance add vm1", &r, &err) &&
	   r.m.cmd == VTPM_CMD_INSTANCE_NEW && !strcmp(t->name, "vm1") &&
	   t->has == VTPM_BIT(VTPM_A_NAME), "add NAME: name only");
	ok(!parse("instance add vm1 owner 107 group 0 mode 0640 banks sha256,sha384",
		  &r, &err) && t->uid == 107 && t->gid == 0 && t->mode == 0640 &&
	   t->banks == (VTPM_BANK_SHA256 | VTPM_BANK_SHA384) &&
	   VTPM_HAS(t, VTPM_A_UID) && VTPM_HAS(t, VTPM_A_GID) &&
	   VTPM_HAS(t, VTPM_A_MODE) && VTPM_HAS(t, VTPM_A_BANKS),
	   "add NAME with owner, group, mode, banks");
	ok(!parse("instance add vm1 mode 600 mode 0700", &r, &err) &&
	   t->mode == 0700, "add: a repeated option overrides");
	ok(parse("instance add", &r, &err) == EXIT_USAGE &&
	   strstr(err, "name is required"), "add: no name: usage");
	ok(parse("instance add id 3", &r, &err) == EXIT_USAGE,
	   "add: id is not a name: usage");
	ok(parse("instance add vm1 mode", &r, &err) == EXIT_USAGE &&
	   strstr(err, "\"mode\" needs a value"), "add: option without value");
	ok(parse("instance add vm1 colour red", &r, &err) == EXIT_USAGE &&
	   strstr(err, "unknown argument \"colour\""), "add: unknown option");
	ok(parse("instance add vm1 owner no-such-user-vtpmctl", &r, &err) ==
	   EXIT_USAGE, "add: unknown user: usage");
	ok(parse("instance add -j", &r, &err) == EXIT_USAGE &&
	   strstr(err, "options go before the object"), "add: late option");
	ok(!parse("instance del vm1", &r, &err) &&
	   r.m.cmd == VTPM_CMD_INSTANCE_DEL && VTPM_HAS(t, VTPM_A_NAME),
	   "del NAME");
	ok(!parse("instance del id 7", &r, &err) && t->id == 7 &&
	   t->has == VTPM_BIT(VTPM_A_ID), "del id ID");
	ok(parse("instance del id 0", &r, &err) == EXIT_USAGE, "del id 0: usage");
	ok(parse("instance del", &r, &err) == EXIT_USAGE, "del: no instance");
	ok(parse("instance del vm1 vm2", &r, &err) == EXIT_USAGE &&
	   strstr(err, "unknown argument \"vm2\""), "del: extra argument");
	ok(!parse("instance show", &r, &err) && r.dump &&
	   r.m.cmd == VTPM_CMD_INSTANCE_GET, "show: a dump");
	ok(!parse("instance", &r, &err) && r.dump &&
	   r.m.cmd == VTPM_CMD_INSTANCE_GET, "instance alone: show");
	ok(!parse("instance show vm1", &r, &err) && !r.dump, "show NAME: a get");
	ok(!parse("instance reset vm1", &r, &err) &&
	   r.m.cmd == VTPM_CMD_INSTANCE_RESET, "reset NAME");
	ok(parse("instance remove vm1", &r, &err) == EXIT_USAGE &&
	   strstr(err, "unknown command \"remove\""), "unknown command");
	ok(parse("instance sh", &r, &err) == EXIT_USAGE,
	   "commands are not abbreviated");
	ok(parse("instance help", &r, &err) == VTPM_HELP, "instance help");
	ok(parse("instance add help", &r, &err) == VTPM_HELP, "instance add help");
	ok(!parse("monitor", &r, &err), "monitor");
	ok(parse("monitor help", &r, &err) == VTPM_HELP, "monitor help");
	ok(parse("monitor instance", &r, &err) == EXIT_USAGE, "monitor: extra word");
	ok(parse("inst show", &r, &err) == -100, "objects are not abbreviated");
}

/* ------------------------------------------------------ messages, print */

/* A reply as the kernel's fill_instance() builds it. */
static struct nl_msg *reply(uint8_t cmd, const char *name, uint32_t dev_num)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, 0, 1, FAMILY, 0, 0, cmd, VTPM_FAMILY_VERSION);
	nla_put_u32(msg, VTPM_A_ID, 3);
	nla_put_string(msg, VTPM_A_NAME, name);
	nla_put_u32(msg, VTPM_A_UID, 107);
	nla_put_u32(msg, VTPM_A_GID, 108);
	nla_put_u32(msg, VTPM_A_MODE, 0640);
	nla_put_u32(msg, VTPM_A_BANKS, VTPM_BANKS_DEFAULT);
	nla_put_u32(msg, VTPM_A_DEV_NUM, dev_num);
	nla_put_u64(msg, VTPM_A_COMMANDS, 12345678901ULL);
	nla_put_u64(msg, VTPM_A_MEM, 47776);
	return msg;
}

static const char *print_msg(const struct vtpm_msg *m, bool json, bool event)
{
	cap_begin();
	pr_init(cap, json, false);
	if (event) {
		vtpm_show_event(m);
	} else {
		pr_open_array(NULL);
		vtpm_show_instance(&m->inst);
		pr_close_array();
	}
	pr_flush();
	return cap_end();
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static void keep_json(const char *s)
{
	if (json_out)
		fprintf(json_out, "%s\n", s);
}

static void test_messages(void)
{
	struct nl_msg *msg = reply(VTPM_CMD_INSTANCE_GET, "vm1", 2);
	struct vtpm_msg m, back;
	struct vtpm_req r;
	const char *err, *s;

	ok(!vtpm_msg_parse(nlmsg_hdr(msg), &m) &&
	   m.cmd == VTPM_CMD_INSTANCE_GET && m.inst.id == 3 &&
	   !strcmp(m.inst.name, "vm1") && m.inst.dev_num == 2 &&
	   m.inst.commands == 12345678901ULL, "reply parsed");
	nlmsg_free(msg);

	s = print_msg(&m, false, false);
	same(s, "vm1: id 3 tpm /dev/tpm2 tpmrm /dev/tpmrm2 owner 107 group 108 "
		"mode 0640 banks sha1,sha256 commands 12345678901 mem 47776\n",
	     "text: one line in the command's keywords");
	s = print_msg(&m, true, false);
	same(s, "[{\"name\":\"vm1\",\"id\":3,\"dev_num\":2,\"tpm\":\"/dev/tpm2\","
		"\"tpmrm\":\"/dev/tpmrm2\",\"owner\":107,\"group\":108,"
		"\"mode\":\"0640\",\"banks\":[\"sha1\",\"sha256\"],"
		"\"commands\":12345678901,\"mem\":47776}]\n",
	     "JSON: an array of objects, device paths included");
	keep_json(s);

	msg = reply(VTPM_CMD_INSTANCE_RESET_NTF, "vm9", 0);
	vtpm_msg_parse(nlmsg_hdr(msg), &m);
	nlmsg_free(msg);
	s = print_msg(&m, false, true);
	ok(starts(s, "instance reset vm9: id 3 tpm /dev/tpm0 "),
	   "event text: \"instance reset\" and the instance");
	s = print_msg(&m, true, true);
	ok(starts(s, "{\"event\":\"instance-reset\",\"instance\":{\"name\":\"vm9\""),
	   "event JSON: event and instance members");
	keep_json(s);

	/* a request on the wire and back */
	parse("instance add vm2 owner 5 mode 0600 banks sha384", &r, &err);
	msg = nlmsg_alloc();
	genlmsg_put(msg, 0, 1, FAMILY, 0, 0, r.m.cmd, VTPM_FAMILY_VERSION);
	ok(!vtpm_msg_put(msg, &r.m) && !vtpm_msg_parse(nlmsg_hdr(msg), &back) &&
	   back.cmd == VTPM_CMD_INSTANCE_NEW && back.inst.has == r.m.inst.has &&
	   !strcmp(back.inst.name, "vm2") && back.inst.uid == 5 &&
	   back.inst.mode == 0600 && back.inst.banks == VTPM_BANK_SHA384,
	   "request: what is set goes on the wire, nothing else");
	nlmsg_free(msg);

	msg = nlmsg_alloc();
	genlmsg_put(msg, 0, 1, FAMILY, 0, 0, VTPM_CMD_INSTANCE_GET, 1);
	nla_put_u16(msg, VTPM_A_MODE, 1);	/* too short for a u32 */
	ok(vtpm_msg_parse(nlmsg_hdr(msg), &m) == -EBADMSG,
	   "a known attribute too short: the message is invalid");
	nlmsg_free(msg);
}

/* ---------------------------------------------------------------- extack */

/* An NLMSG_ERROR for @req with a message and the offset of attribute @at. */
static struct nlmsghdr *error_for(struct nl_msg *req, int err, const char *text,
				  int at)
{
	static char buf[1024];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf, *rq = nlmsg_hdr(req);
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	struct nlattr *a;
	uint32_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*e)), aoff;

	memset(buf, 0, sizeof(buf));
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
	e->error = err;
	e->msg = *rq;
	a = (struct nlattr *)(buf + off);
	a->nla_type = NLMSGERR_ATTR_MSG;
	a->nla_len = (uint16_t)(NLA_HDRLEN + strlen(text) + 1);
	strcpy((char *)a + NLA_HDRLEN, text);
	off += NLA_ALIGN(a->nla_len);
	aoff = (uint32_t)((char *)nla_find(genlmsg_attrdata(nlmsg_data(rq), 0),
					    genlmsg_attrlen(nlmsg_data(rq), 0), at) -
			  (char *)rq);
	a = (struct nlattr *)(buf + off);
	a->nla_type = NLMSGERR_ATTR_OFFS;
	a->nla_len = NLA_HDRLEN + 4;
	memcpy((char *)a + NLA_HDRLEN, &aoff, 4);
	off += NLA_ALIGN(a->nla_len);
	nlh->nlmsg_len = off;
	return nlh;
}

static void test_extack(void)
{
	struct nl_msg *req = nlmsg_alloc();
	struct genl_extack ext;
	struct nlmsghdr *nlh;
	const char *s;

	genlmsg_put(req, 0, 1, FAMILY, 0, 0, VTPM_CMD_INSTANCE_DEL, 1);
	nla_put_u32(req, VTPM_A_ID, 9);
	nla_put_string(req, VTPM_A_NAME, "vm1");
	nlh = error_for(req, -ENOENT, "vtpm: no instance has this name",
			VTPM_A_NAME);
	ok(!genl_extack_parse(nlh, &ext) && ext.error == -ENOENT &&
	   ext.has_offs && !strcmp(ext.msg, "vtpm: no instance has this name"),
	   "extack: error, message and offset parsed");
	cap_begin();
	genl_extack_print(cap, &ext, nlmsg_hdr(req), &vtpm_attrs);
	s = cap_end();
	same(s, "vtpmctl: No such file or directory: vtpm: no instance has this "
		"name (at name)\n", "extack: printed with the attribute's name");
	ext.msg[0] = '\0';
	ext.error = -EPERM;
	ext.has_offs = false;
	cap_begin();
	genl_extack_print(cap, &ext, nlmsg_hdr(req), &vtpm_attrs);
	s = cap_end();
	same(s, "vtpmctl: Operation not permitted (CAP_NET_ADMIN is needed)\n",
	     "extack: EPERM without a message names the capability");
	nlmsg_free(req);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		json_out = fopen(argv[1], "w");
	printf("TAP version 13\n");
	test_values();
	test_args();
	test_messages();
	test_extack();
	if (json_out)
		fclose(json_out);
	printf("1..%d\n", n_test);
	return n_fail ? 1 : 0;
}
