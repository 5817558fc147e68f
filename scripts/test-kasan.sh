#!/bin/bash
# SPDX-License-Identifier: MIT
# The KASAN lane: the test command with the KASAN flavour of the test
# kernel (kernel/vsvm.config + kernel/vsvm-kasan.config) as its only guest.
# Not part of the test command (it would double the cold kernel build, see
# README); every issue runs it before it is resolved.
set -euo pipefail
export VSVM_LANES=kasan
exec "$(dirname "$0")/test.sh"
