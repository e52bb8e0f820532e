// SPDX-License-Identifier: GPL-2.0
/*
 * Transient object slots. Handles are 0x80000000 | a counter that never
 * repeats within a boot cycle (wrapping after 2^24 objects), so a stale
 * handle does not silently name a newer object.
 */
#include "internal.h"

#define OBJECT_HANDLE_MASK	0x00FFFFFF

struct vtpm_object *vtpm_object_get(struct vtpm_engine *e, u32 handle)
{
	unsigned int i;

	if (VTPM_HANDLE_TYPE(handle) != VTPM_HT_TRANSIENT)
		return NULL;
	for (i = 0; i < VTPM_MAX_LOADED_OBJECTS; i++)
		if (e->objects[i].kind != VTPM_OBJ_FREE &&
		    e->objects[i].handle == handle)
			return &e->objects[i];
	return NULL;
}

static bool handle_in_use(struct vtpm_engine *e, u32 handle)
{
	return vtpm_object_get(e, handle) != NULL;
}

struct vtpm_object *vtpm_object_alloc(struct vtpm_engine *e)
{
	struct vtpm_object *o = NULL;
	unsigned int i;
	u32 h;

	for (i = 0; i < VTPM_MAX_LOADED_OBJECTS && !o; i++)
		if (e->objects[i].kind == VTPM_OBJ_FREE)
			o = &e->objects[i];
	if (!o)
		return NULL;
	do {
		h = (u32)VTPM_HT_TRANSIENT << VTPM_HR_SHIFT |
		    (e->next_object++ & OBJECT_HANDLE_MASK);
	} while (handle_in_use(e, h));
	memset(o, 0, sizeof(*o));
	o->handle = h;
	return o;
}

void vtpm_object_free(struct vtpm_engine *e, struct vtpm_object *o)
{
	vtpm_plat_memzero(o, sizeof(*o));
}

void vtpm_object_flush_all(struct vtpm_engine *e)
{
	unsigned int i;

	for (i = 0; i < VTPM_MAX_LOADED_OBJECTS; i++)
		vtpm_object_free(e, &e->objects[i]);
}

unsigned int vtpm_object_count(struct vtpm_engine *e)
{
	unsigned int i, n = 0;

	for (i = 0; i < VTPM_MAX_LOADED_OBJECTS; i++)
		n += e->objects[i].kind != VTPM_OBJ_FREE;
	return n;
}
