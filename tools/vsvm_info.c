// SPDX-License-Identifier: MIT
/*
 * vsvm_info: open the vsvm render node through libdrm_vsvm and print what
 * DRM_IOCTL_VSVM_QUERY reports about the device.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <xf86drm.h>

#include "vsvm.h"

int main(void)
{
	struct drm_vsvm_query_device info;
	vsvm_device_handle dev;
	drmVersionPtr ver;
	char path[64];
	int ret;

	ret = vsvm_find_render_node(path, sizeof(path));
	if (ret) {
		fprintf(stderr, "vsvm_info: no vsvm render node: %s\n", strerror(-ret));
		return 1;
	}
	ret = vsvm_device_open(path, &dev);
	if (ret) {
		fprintf(stderr, "vsvm_info: open %s: %s\n", path, strerror(-ret));
		return 1;
	}
	ret = vsvm_query_device(dev, &info);
	if (ret) {
		fprintf(stderr, "vsvm_info: query: %s\n", strerror(-ret));
		vsvm_device_close(dev);
		return 1;
	}

	ver = drmGetVersion(vsvm_device_get_fd(dev));
	printf("node:        %s\n", path);
	printf("driver:      %s %d.%d.%d (%s)\n", ver ? ver->name : "?",
	       ver ? ver->version_major : 0, ver ? ver->version_minor : 0,
	       ver ? ver->version_patchlevel : 0, ver ? ver->desc : "?");
	printf("uapi:        %u.%u\n", info.uapi_major, info.uapi_minor);
	printf("engines:     %u\n", info.num_engines);
	printf("vram:        %llu MiB\n", (unsigned long long)(info.vram_size >> 20));
	printf("page sizes: %s%s%s\n",
	       info.page_sizes & DRM_VSVM_PAGE_SIZE_4K ? " 4K" : "",
	       info.page_sizes & DRM_VSVM_PAGE_SIZE_64K ? " 64K" : "",
	       info.page_sizes & DRM_VSVM_PAGE_SIZE_2M ? " 2M" : "");
	printf("va bits:     %u\n", info.va_bits);
	printf("features:    0x%x\n", info.features);
	if (ver)
		drmFreeVersion(ver);
	vsvm_device_close(dev);
	return 0;
}
