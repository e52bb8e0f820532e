/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The authorization of commands and responses: a command's authorization
 * area checked against the sessions of session.h, parameter encryption,
 * and the response authorization area.
 */
#ifndef VTPM_ENGINE_AUTH_H
#define VTPM_ENGINE_AUTH_H

struct vtpm_engine;
struct vtpm_cmd;

/**
 * vtpm_sess_authorize - checks a command's authorization area
 * @e: the engine
 * @c: the parsed command (c->auths filled by the dispatcher)
 *
 * Called for every command after the handle and auth areas are parsed and
 * before the handler. Binds each auth to its loaded session (auth->sess),
 * checks session attributes, then each auth against the handle it
 * authorizes (c->desc->roles): passwords, HMACs (cpHash over the
 * parameters as received), policy sessions. Sessions that authorize no
 * handle must be decrypt/encrypt sessions (audit is not implemented: an
 * audit session is refused with TPM_RC_ATTRIBUTES).
 *
 * Last, when a session has the decrypt attribute, the first parameter
 * (a TPM2B) is decrypted into e->param_buf and c->params points there:
 * the handler then reads plaintext.
 *
 * Return: VTPM_RC_SUCCESS, or a TPM_RC (format-1 codes carry the session
 * number, vtpm_rc_session(); REFERENCE_S0 + index for a session that is
 * not loaded).
 */
u32 vtpm_sess_authorize(struct vtpm_engine *e, struct vtpm_cmd *c);

/**
 * vtpm_sess_respond - the response authorization area
 * @e: the engine
 * @c: the command, after vtpm_sess_authorize() and a successful handler
 * @rp: the response parameters (rpBuffer), in the response buffer: an
 *	encrypt session encrypts the first one (a TPM2B) in place
 * @rp_len: their length
 * @w: where the auth area goes (right after @rp)
 *
 * Rolls every session's nonceTPM, encrypts the first response parameter
 * for an encrypt session, computes rpHash and the response HMACs, writes
 * one (nonceTPM, attributes, hmac) per command session and flushes the
 * sessions whose continueSession was clear. A policy session that
 * authorized the command starts over (its policy digest is reset).
 */
void vtpm_sess_respond(struct vtpm_engine *e, struct vtpm_cmd *c, u8 *rp,
		       u32 rp_len, struct vtpm_wr *w);

/* cpHash = H(cc || names of c's handles || c->params as they are now) */
u32 vtpm_sess_cp_hash(struct vtpm_engine *e, const struct vtpm_cmd *c,
		      enum vtpm_hash h, u8 *out);

#endif /* VTPM_ENGINE_AUTH_H */
