/* SPDX-License-Identifier: GPL-2.0 */
/*
 * source.h - where snapshots come from: the live sysfs file, or files
 *
 * Live, each snapshot is a new read of /proc/vhv/snapshot. From
 * files (-f, repeatable, "-" for stdin), the snapshots are those the files
 * hold, in order: one file may hold several snapshots one after another
 * (e.g. "cat snapshot; sleep 1; cat snapshot"), and several files are read
 * one after the other.
 */
#ifndef VHVSTAT_SOURCE_H
#define VHVSTAT_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "snapshot.h"

struct vhv_source {
	const char *live_path;		/* NULL when reading files */
	const char *proc;		/* where the VMs' command lines are */
					/* (ident.h): live "/proc", files */
					/* NULL; --proc sets it */
	char *const *files;
	int n_files;
	int next_file;
	char *buf;			/* text of the file being parsed */
	size_t len;
	bool parsing;
	unsigned int got;		/* snapshots from the current file */
	struct vhv_parser p;
};

void vhv_source_init(struct vhv_source *src, char *const *files, int n_files);
bool vhv_source_live(const struct vhv_source *src);

/*
 * Return 1 with a snapshot in @s, its VMs named (ident.h), 0 when the
 * files hold no more, -1.
 */
int vhv_source_next(struct vhv_source *src, struct vhv_snapshot *s,
		    char *err, size_t errlen);
void vhv_source_close(struct vhv_source *src);

/* Read a whole file ("-": stdin). Return 0, or -1 with errno set. */
int vhv_read_file(const char *path, char **buf, size_t *len);

#endif /* VHVSTAT_SOURCE_H */
