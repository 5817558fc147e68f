// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */
#include <stdio.h>
#include <string.h>

#include "vsvm_debugfs_stat.h"

int64_t vsvm_debugfs_stat_read(const char *path, const char *name)
{
	char line[128], key[64];
	unsigned long long v;
	int64_t ret = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (ret < 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63[^:]: %llu", key, &v) == 2 &&
		    !strcmp(key, name))
			ret = v;
	fclose(f);
	return ret;
}

int64_t vsvm_debugfs_stat(unsigned int minor, const char *name)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%u/vsvm_stats",
		 minor);
	return vsvm_debugfs_stat_read(path, name);
}
