/* SPDX-License-Identifier: GPL-2.0 */
/* The command handlers the command table (dispatch.c) points to. */
#ifndef VTPM_ENGINE_CMDS_H
#define VTPM_ENGINE_CMDS_H

#include "internal.h"

#define VTPM_CMD(name) \
	u32 vtpm_cmd_##name(struct vtpm_engine *e, struct vtpm_cmd *c, \
			    struct vtpm_rsp *r)

/* misc.c */
VTPM_CMD(startup);
VTPM_CMD(shutdown);
VTPM_CMD(self_test);
VTPM_CMD(incremental_self_test);
VTPM_CMD(get_test_result);
VTPM_CMD(get_random);
VTPM_CMD(stir_random);
VTPM_CMD(read_clock);
VTPM_CMD(test_parms);
/* cap.c */
VTPM_CMD(get_capability);
/* pcr.c */
VTPM_CMD(pcr_read);
VTPM_CMD(pcr_extend);
VTPM_CMD(pcr_event);
VTPM_CMD(pcr_reset);
/* hash.c */
VTPM_CMD(hash);
VTPM_CMD(hash_sequence_start);
VTPM_CMD(sequence_update);
VTPM_CMD(sequence_complete);
VTPM_CMD(event_sequence_complete);
/* hierarchy.c */
VTPM_CMD(clear);
VTPM_CMD(clear_control);
VTPM_CMD(hierarchy_change_auth);
VTPM_CMD(hierarchy_control);
VTPM_CMD(set_primary_policy);
/* context.c */
VTPM_CMD(context_save);
VTPM_CMD(context_load);
VTPM_CMD(flush_context);
/* session.c */
VTPM_CMD(start_auth_session);
/* policy.c */
VTPM_CMD(policy_pcr);
VTPM_CMD(policy_get_digest);
VTPM_CMD(policy_restart);
VTPM_CMD(policy_auth_value);
VTPM_CMD(policy_password);
VTPM_CMD(policy_command_code);
VTPM_CMD(policy_or);

#endif /* VTPM_ENGINE_CMDS_H */
