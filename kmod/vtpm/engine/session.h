/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Authorization sessions: the session table and StartAuthSession. The
 * checks of a command's authorization area are in auth.h.
 *
 * The table holds every active session, loaded or saved. A saved
 * session's state stays in the table (the context blob only names it and
 * carries its sequence number), so a session context loads once per save
 * and a stale blob is refused.
 */
#ifndef VTPM_ENGINE_SESSION_H
#define VTPM_ENGINE_SESSION_H

enum vtpm_sess_state {
	VTPM_SESS_FREE,
	VTPM_SESS_LOADED,
	VTPM_SESS_SAVED,
};

/**
 * struct vtpm_session - one authorization session
 * @handle: 0x02xxxxxx (HMAC) or 0x03xxxxxx (policy, trial)
 * @state: enum vtpm_sess_state
 * @type: VTPM_SE_HMAC, _POLICY or _TRIAL
 * @hash: enum vtpm_hash of authHash
 * @sym_alg, @sym_bits, @sym_mode: the session's symmetric (TPMT_SYM_DEF),
 *	for parameter encryption
 * @context_seq: sequence of the context saved last (SAVED)
 * @nonce_tpm: the TPM's current nonce
 * @session_key: KDFa(authHash, bind.auth || salt, "ATH", ...)
 * @bound: an HMAC session bound to an entity (bind was not TPM_RH_NULL)
 * @bind_name: the bind value: the bound entity's name with its authValue
 *	at that time XORed into the end of the full-size buffer (Part 1,
 *	"bound sessions"): the session stops being bound to the entity when
 *	its authValue changes
 * @da_bound: bound to an entity that is not exempt from dictionary
 *	attack protection (failures count as AUTH_FAIL, not BAD_AUTH)
 * @lockout_bound: bound to TPM_RH_LOCKOUT
 * @include_auth: during one command: the authorized entity's authValue is
 *	part of the HMAC key (unbound HMAC session, or a policy session after
 *	PolicyAuthValue/PolicyPassword); set by vtpm_sess_authorize() and
 *	read by vtpm_sess_respond()
 * @policy_digest: policy sessions: the running policy digest
 * @pcr_counter: PolicyPCR: vtpm_engine.pcr_update_counter when it ran
 * @pcr_checked: PolicyPCR ran (the counter must not have moved)
 * @cc: PolicyCommandCode: the only command code allowed, 0 if none
 * @need_auth_value: PolicyAuthValue ran
 * @need_password: PolicyPassword ran
 */
struct vtpm_session {
	u32 handle;
	u8 state;
	u8 type;
	u8 hash;
	u16 sym_alg;
	u16 sym_bits;
	u16 sym_mode;
	u64 context_seq;
	struct vtpm_digest nonce_tpm;
	struct vtpm_digest session_key;
	bool bound;
	struct vtpm_name bind_name;
	bool da_bound;
	bool lockout_bound;
	bool include_auth;
	struct vtpm_digest policy_digest;
	u32 pcr_counter;
	bool pcr_checked;
	u32 cc;
	bool need_auth_value;
	bool need_password;
};

struct vtpm_engine;
struct vtpm_cmd;

/* the session of @handle in any state, or NULL */
struct vtpm_session *vtpm_sess_get(struct vtpm_engine *e, u32 handle);
/*
 * ContextSave of a session: marks it saved with @seq, the sequence of its
 * blob. TPM_RC_REFERENCE_H0 when it is not loaded (saved or gone).
 */
u32 vtpm_sess_save(struct vtpm_engine *e, u32 handle, u64 seq);
/*
 * ContextLoad: the saved session @handle is loaded again, to the same
 * handle, if @seq is its last save's: else TPM_RC_HANDLE + P1 (the
 * kernel's resource manager then forgets it). TPM_RC_SESSION_MEMORY
 * when VTPM_MAX_LOADED_SESSIONS are loaded.
 */
u32 vtpm_sess_load(struct vtpm_engine *e, u32 handle, u64 seq);
/* FlushContext of a session, loaded or saved; else TPM_RC_HANDLE + P1 */
u32 vtpm_sess_flush(struct vtpm_engine *e, u32 handle);
/* every session goes (Startup(CLEAR), TPM_Init) */
void vtpm_sess_flush_all(struct vtpm_engine *e);
unsigned int vtpm_sess_count(struct vtpm_engine *e, enum vtpm_sess_state st);
/*
 * Handles of sessions of @handle_type (VTPM_HT_HMAC_SESSION or _POLICY_;
 * 0: both, HMAC first) in state @st (VTPM_SESS_FREE: loaded or saved),
 * from @first on, ascending, at most @max; returns how many.
 */
unsigned int vtpm_sess_handles(struct vtpm_engine *e, u8 handle_type,
			       enum vtpm_sess_state st, u32 first,
			       u32 *out, unsigned int max);

/* a session goes: zeroed, its slot free (state VTPM_SESS_FREE) */
void vtpm_sess_free(struct vtpm_session *s);
/*
 * @h is exempt from dictionary-attack protection: permanent handles but
 * TPM_RH_LOCKOUT, PCRs, objects with noDA
 */
bool vtpm_sess_da_exempt(struct vtpm_engine *e, u32 h);
/* @h's name (vtpm_entity_name()); a session's is its handle */
u32 vtpm_sess_handle_name(struct vtpm_engine *e, u32 h, struct vtpm_name *name);
/*
 * The bind value of @h: its name, zero-padded to the full buffer, with
 * its authValue XORed into the end (vtpm_session.bind_name)
 */
u32 vtpm_sess_bind_value(struct vtpm_engine *e, u32 h, struct vtpm_name *out);
/* policy.c: a policy session starts over (zero digest, nothing to check) */
void vtpm_policy_reset(struct vtpm_session *s);
/* policy.c: the session's policy state against the entity it authorizes */
u32 vtpm_policy_check(struct vtpm_engine *e, const struct vtpm_session *s,
		      u32 cc, u32 assoc, u8 role);
/* @handle's authValue without trailing zeros (Part 1, "authValue") */
u32 vtpm_sess_entity_auth(struct vtpm_engine *e, u32 handle,
			  struct vtpm_digest *auth);

#endif /* VTPM_ENGINE_SESSION_H */
