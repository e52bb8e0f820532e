// SPDX-License-Identifier: GPL-2.0
/*
 * source.c - snapshots from the live sysfs file or from files
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ident.h"
#include "source.h"

int vhv_read_file(const char *path, char **buf, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *b = malloc(cap);
	int fd, saved;

	if (!b)
		return -1;
	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (fd < 0)
		goto err;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb = realloc(b, cap * 2);

			if (!nb)
				goto err_close;
			b = nb;
			cap *= 2;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto err_close;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	*buf = b;
	*len = n;
	return 0;

err_close:
	saved = errno;
	if (fd != STDIN_FILENO)
		close(fd);
	errno = saved;
err:
	saved = errno;
	free(b);
	errno = saved;
	return -1;
}

void vhv_source_init(struct vhv_source *src, char *const *files, int n_files)
{
	memset(src, 0, sizeof(*src));
	src->files = files;
	src->n_files = n_files;
	if (!n_files) {
		/* another path for the live file: for tests (vhvstat(8)) */
		src->live_path = getenv("VHVSTAT_SNAPSHOT");
		if (!src->live_path || !*src->live_path)
			src->live_path = VHV_SNAPSHOT_PATH;
		src->proc = "/proc";
	}
}

bool vhv_source_live(const struct vhv_source *src)
{
	return src->live_path != NULL;
}

static int read_live(struct vhv_source *src, struct vhv_snapshot *s,
		     char *err, size_t errlen)
{
	struct timespec now;
	char *buf;
	size_t len;
	int r;

	if (vhv_read_file(src->live_path, &buf, &len)) {
		int e = errno;

		snprintf(err, errlen, "cannot read %s: %s%s", src->live_path,
			 strerror(e), e == ENOENT ? " (is the vhv module loaded?)" : "");
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	r = vhv_snapshot_parse(src->live_path, buf, len, s, err, errlen);
	free(buf);
	if (r)
		return -1;
	s->wall_ns = (uint64_t)now.tv_sec * 1000000000 + (uint64_t)now.tv_nsec;
	return 1;
}

static int source_next(struct vhv_source *src, struct vhv_snapshot *s,
		       char *err, size_t errlen)
{
	if (src->live_path)
		return read_live(src, s, err, errlen);

	for (;;) {
		const char *name;
		int r;

		if (!src->parsing) {
			if (src->next_file == src->n_files)
				return 0;
			name = src->files[src->next_file++];
			if (vhv_read_file(name, &src->buf, &src->len)) {
				snprintf(err, errlen, "cannot read %s: %s", name,
					 strerror(errno));
				return -1;
			}
			vhv_parser_init(&src->p, strcmp(name, "-") ? name : "<stdin>",
					src->buf, src->len);
			src->parsing = true;
			src->got = 0;
		}
		r = vhv_snapshot_next(&src->p, s, err, errlen);
		if (r == 1)
			src->got++;
		if (r == 0 && !src->got) {
			snprintf(err, errlen, "%s: no snapshot", src->p.name);
			r = -1;
		}
		if (r != 0)
			return r;
		free(src->buf);
		src->buf = NULL;
		src->parsing = false;
	}
}

int vhv_source_next(struct vhv_source *src, struct vhv_snapshot *s,
		    char *err, size_t errlen)
{
	int r = source_next(src, s, err, errlen);

	if (r == 1 && vhv_ident_snapshot(s, src->proc)) {
		snprintf(err, errlen, "out of memory");
		vhv_snapshot_free(s);
		return -1;
	}
	return r;
}

void vhv_source_close(struct vhv_source *src)
{
	free(src->buf);
	src->buf = NULL;
	src->parsing = false;
}
