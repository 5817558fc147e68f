// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vsvm_kmsg.h"

int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (lseek(fd, 0, SEEK_END) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}

/*
 * What an emulated machine logs whatever runs: the clocksource watchdog
 * and the hrtimer on a host that stalls the guest's CPUs (QEMU TCG on a
 * busy host). Not a report of what was tested.
 */
static const char *const host_noise[] = {
	"clocksource: ",
	"hrtimer: interrupt took ",
};

static bool is_host_noise(const char *msg)
{
	size_t i;

	for (i = 0; i < sizeof(host_noise) / sizeof(host_noise[0]); i++)
		if (!strncmp(msg, host_noise[i], strlen(host_noise[i])))
			return true;
	return false;
}

int kmsg_drain(int fd, const char *tag, char *first, size_t len)
{
	char rec[8192];
	int n = 0;

	if (first && len)
		first[0] = '\0';
	for (;;) {
		ssize_t r = read(fd, rec, sizeof(rec) - 1);
		unsigned long prio;
		char *msg, *end;

		if (r < 0 && errno == EPIPE)
			continue;	/* records overwritten: go on */
		if (r <= 0)
			break;
		rec[r] = '\0';
		/* "prio,seq,time,flags;message\n" then continuation lines */
		prio = strtoul(rec, &end, 10);
		msg = strchr(rec, ';');
		if (end == rec || !msg)
			continue;
		msg++;
		end = strchr(msg, '\n');
		if (end)
			*end = '\0';
		if (prio >> 3 || (prio & 7) >= 7)
			continue;
		if (is_host_noise(msg)) {
			fprintf(stderr, "%s: kernel (host noise, ignored): %s\n",
				tag, msg);
			continue;
		}
		if (first && len && !n)
			snprintf(first, len, "%s", msg);
		fprintf(stderr, "%s: kernel: <%lu> %s\n", tag, prio & 7, msg);
		n++;
	}
	return n;
}
