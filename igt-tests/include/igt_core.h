/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 *
 * Declarations mirroring the IGT 2.0 API, for building the vsvm tests
 * against Debian's libigt.so.0 (package intel-gpu-tools 2.0-1, Debian 13),
 * which ships the library without its headers. Only what the vsvm tests use
 * is declared; the macros expand to the same calls, with the same arguments,
 * as IGT 2.0's own, so the binaries use the library exactly as in-tree tests
 * do.
 *
 * Configuring with -Digt_source=/path/to/igt-gpu-tools uses that tree's real
 * headers instead, and none of the files in this directory.
 *
 * ABI notes, checked against libigt.so.0 of intel-gpu-tools 2.0-1
 * (readelf --dyn-syms, nm -D, objdump -d):
 * - every function and variable declared in this directory is exported;
 *   igt_subtest_jmpbuf and igt_dynamic_jmpbuf are 200-byte jmp_buf objects
 *   (not thread-local), entered with sigsetjmp(..., 1) as IGT does.
 * - igt_ioctl became thread-local in 2.0 (a TLS symbol of 8 bytes in
 *   .tdata): ioctl_wrappers.h declares it __thread. Declaring it as a plain
 *   extern, as 1.27.1 did, fails to link ("TLS definition ... mismatches
 *   non-TLS reference").
 * - 2.0 still has no __igt_init(): igt_main calls
 *   igt_subtest_init_parse_opts() (7 arguments), the test body, then
 *   igt_exit(). igt_main, igt_fixture and igt_subtest_group are still
 *   object-like macros: the IGT trees just before 2.0 have them so, and the
 *   later trees where they became function-like (igt_main()) also declare
 *   functions 2.0 does not export (igt_dynamic_subtest_name(),
 *   igt_core_get_igt_hook()).
 * - __igt_subtest_group_save() takes (int *save, int *desc), storing an int
 *   through the first; __igt_subtest_group_restore() takes (int, int).
 * - __igt_run_subtest() takes (name, file, line); the other entry points
 *   the macros call (__igt_fixture, __igt_fixture_complete,
 *   __igt_enter_dynamic_container, __igt_run_dynamic_subtest, __igt_fork,
 *   __igt_fork_helper, __igt_fail_assert, __igt_skip_check, igt_describe_f,
 *   igt_success, igt_exit) are unchanged from 1.27.1.
 * - MSEC_PER_SEC and the constants derived from it are unsigned long on
 *   64-bit targets in 2.0 (they were int in 1.27.1).
 */

#ifndef IGT_CORE_H
#define IGT_CORE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef IGT_LOG_DOMAIN
#define IGT_LOG_DOMAIN (NULL)
#endif

#ifndef __noreturn
#define __noreturn __attribute__((noreturn))
#endif
#define __maybe_unused __attribute__((unused))

/* Exit codes of a test binary, as understood by igt_runner. */
#define IGT_EXIT_SUCCESS	0
#define IGT_EXIT_SKIP		77
#define IGT_EXIT_INVALID	79
#define IGT_EXIT_FAILURE	98
#define IGT_EXIT_ABORT		112

/*
 * The library reads this weak symbol for --help-description; a test defines
 * it with IGT_TEST_DESCRIPTION().
 */
extern const char *__igt_test_description __attribute__((weak));

#define IGT_TEST_DESCRIPTION(str) const char *__igt_test_description = str

/* Token helpers used to give each control block its own variables. */
#define __igt_tokencat2(x, y) x ## y
#define igt_tokencat(x, y) __igt_tokencat2(x, y)
#define igt_unique(prefix) \
	igt_tokencat(igt_tokencat(__igt_unique__, prefix), __LINE__)

/* Subtest machinery. */
extern jmp_buf igt_subtest_jmpbuf;
extern jmp_buf igt_dynamic_jmpbuf;

struct option;
typedef int (*igt_opt_handler_t)(int opt, int opt_index, void *data);

int igt_subtest_init_parse_opts(int *argc, char **argv,
				const char *extra_short_opts,
				const struct option *extra_long_opts,
				const char *help_str,
				igt_opt_handler_t extra_opt_handler,
				void *handler_data);

bool __igt_fixture(void);
void __igt_fixture_complete(void);
__noreturn void __igt_fixture_end(void);
bool __igt_run_subtest(const char *subtest_name, const char *file,
		       const int line);
const char *igt_subtest_name(void);
bool igt_only_list_subtests(void);
void __igt_subtest_group_save(int *save, int *desc);
void __igt_subtest_group_restore(int save, int desc);

void igt_success(void);
bool igt_can_fail(void);
__noreturn void igt_fail(int exitcode);
__noreturn void igt_exit(void);

__noreturn __attribute__((format(printf, 1, 2)))
void igt_skip(const char *f, ...);

__noreturn __attribute__((format(printf, 5, 6)))
void __igt_skip_check(const char *file, const int line,
		      const char *func, const char *check,
		      const char *format, ...);

__noreturn __attribute__((format(printf, 6, 7)))
void __igt_fail_assert(const char *domain, const char *file,
		       const int line, const char *func, const char *assertion,
		       const char *format, ...);

__attribute__((format(printf, 1, 2)))
void igt_describe_f(const char *fmt, ...);

/*
 * Exit handlers run when the test exits, also on a signal (@sig is then
 * the signal number, 0 at a normal exit); they must be async-signal safe.
 */
typedef void (*igt_exit_handler_t)(int sig);

void igt_install_exit_handler(igt_exit_handler_t fn);

#define igt_describe(dsc) igt_describe_f("%s", dsc)

/*
 * igt_fixture: setup code, skipped while only listing subtests. A skip or
 * failure inside it longjmps back here and marks the following subtests.
 */
#define igt_fixture \
	for (volatile int igt_unique(__tmpint) = 0; \
	     igt_unique(__tmpint) < 1 && \
	     (__igt_fixture() && \
	      (sigsetjmp(igt_subtest_jmpbuf, 1) == 0)); \
	     igt_unique(__tmpint)++, __igt_fixture_complete())

#define igt_subtest(name) \
	for (; __igt_run_subtest((name), __FILE__, __LINE__) && \
	       (sigsetjmp(igt_subtest_jmpbuf, 1) == 0); \
	     igt_success())

#define __igt_subtest_f(tmp, format...) \
	for (char tmp [256]; \
	     snprintf(tmp, sizeof(tmp), format), \
	     __igt_run_subtest(tmp, __FILE__, __LINE__) && \
	     (sigsetjmp(igt_subtest_jmpbuf, 1) == 0); \
	     igt_success())

#define igt_subtest_f(f...) __igt_subtest_f(igt_unique(__tmpchar), f)

#define igt_subtest_group \
	for (int igt_unique(__tmpint) = 0, \
	     igt_unique(__save) = 0, \
	     igt_unique(__desc) = 0; \
	     igt_unique(__tmpint) < 1 && \
	     (__igt_subtest_group_save(&igt_unique(__save), \
				       &igt_unique(__desc)), true); \
	     igt_unique(__tmpint)++, \
	     __igt_subtest_group_restore(igt_unique(__save), \
					 igt_unique(__desc)))

#define igt_main_args(short_opts, long_opts, help_str, opt_handler, handler_data) \
	static void igt_unique(__real_main)(void); \
	int main(int argc, char **argv) \
	{ \
		igt_subtest_init_parse_opts(&argc, argv, \
					    short_opts, long_opts, help_str, \
					    opt_handler, handler_data); \
		igt_unique(__real_main)(); \
		igt_exit(); \
	} \
	static void igt_unique(__real_main)(void)

#define igt_main igt_main_args(NULL, NULL, NULL, NULL, NULL)

/* Logging. */
enum igt_log_level {
	IGT_LOG_DEBUG,
	IGT_LOG_INFO,
	IGT_LOG_WARN,
	IGT_LOG_CRITICAL,
	IGT_LOG_NONE,
};

__attribute__((format(printf, 3, 4)))
void igt_log(const char *domain, enum igt_log_level level,
	     const char *format, ...);
__attribute__((format(printf, 3, 0)))
void igt_vlog(const char *domain, enum igt_log_level level,
	      const char *format, va_list args);

#define igt_debug(f...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_DEBUG, f)
#define igt_info(f...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_INFO, f)
#define igt_warn(f...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_WARN, f)
#define igt_critical(f...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_CRITICAL, f)

/* Assertions: a failure ends the current subtest (or fixture) as FAIL. */
#define igt_assert(expr) \
	do { \
		if (!(expr)) \
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, \
					  __func__, #expr, NULL); \
	} while (0)

#define igt_assert_f(expr, f...) \
	do { \
		if (!(expr)) \
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, \
					  __func__, #expr, f); \
	} while (0)

#define igt_fail_on(expr) igt_assert(!(expr))
#define igt_fail_on_f(expr, f...) igt_assert_f(!(expr), f)

#define igt_assert_cmpint(n1, cmp, ncmp, n2) \
	do { \
		int __n1 = (n1), __n2 = (n2); \
		if (__n1 cmp __n2) \
			; \
		else \
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, \
					  __func__, #n1 " " #cmp " " #n2, \
					  "error: %d " #ncmp " %d\n", \
					  __n1, __n2); \
	} while (0)

#define igt_assert_cmpuint(n1, cmp, ncmp, n2) \
	do { \
		uint32_t __n1 = (n1), __n2 = (n2); \
		if (__n1 cmp __n2) \
			; \
		else \
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, \
					  __func__, #n1 " " #cmp " " #n2, \
					  "error: %#x " #ncmp " %#x\n", \
					  __n1, __n2); \
	} while (0)

#define igt_assert_cmps64(n1, cmp, ncmp, n2) \
	do { \
		int64_t __n1 = (n1), __n2 = (n2); \
		if (__n1 cmp __n2) \
			; \
		else \
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, \
					  __func__, #n1 " " #cmp " " #n2, \
					  "error: %lld " #ncmp " %lld\n", \
					  (long long)__n1, (long long)__n2); \
	} while (0)

#define igt_assert_cmpu64(n1, cmp, ncmp, n2) \
	do { \
		uint64_t __n1 = (n1), __n2 = (n2); \
		if (__n1 cmp __n2) \
			; \
		else \
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, \
					  __func__, #n1 " " #cmp " " #n2, \
					  "error: %#llx " #ncmp " %#llx\n", \
					  (long long)__n1, (long long)__n2); \
	} while (0)

#define igt_assert_eq(n1, n2) igt_assert_cmpint(n1, ==, !=, n2)
#define igt_assert_eq_u32(n1, n2) igt_assert_cmpuint(n1, ==, !=, n2)
#define igt_assert_eq_s64(n1, n2) igt_assert_cmps64(n1, ==, !=, n2)
#define igt_assert_eq_u64(n1, n2) igt_assert_cmpu64(n1, ==, !=, n2)
#define igt_assert_neq(n1, n2) igt_assert_cmpint(n1, !=, ==, n2)
#define igt_assert_neq_u32(n1, n2) igt_assert_cmpuint(n1, !=, ==, n2)
#define igt_assert_neq_u64(n1, n2) igt_assert_cmpu64(n1, !=, ==, n2)
#define igt_assert_lte(n1, n2) igt_assert_cmpint(n1, <=, >, n2)
#define igt_assert_lte_u64(n1, n2) igt_assert_cmpu64(n1, <=, >, n2)
#define igt_assert_lt(n1, n2) igt_assert_cmpint(n1, <, >=, n2)
#define igt_assert_lt_u64(n1, n2) igt_assert_cmpu64(n1, <, >=, n2)

/* As in IGT, the expansion ends with a semicolon of its own. */
#define igt_assert_fd(fd) \
	igt_assert_f(fd >= 0, "file descriptor " #fd " failed\n");

/* Requirements: an unmet one ends the current subtest (or fixture) as SKIP. */
#define igt_skip_check(E, F...) \
	__igt_skip_check(__FILE__, __LINE__, __func__, E, F)

#define igt_require(expr) \
	do { \
		if (!(expr)) \
			igt_skip_check(#expr, NULL); \
		else \
			igt_debug("Test requirement passed: %s\n", #expr); \
	} while (0)

#define igt_require_f(expr, f...) \
	do { \
		if (!(expr)) \
			igt_skip_check(#expr, f); \
		else \
			igt_debug("Test requirement passed: %s\n", #expr); \
	} while (0)

#define igt_skip_on(expr) \
	do { \
		if ((expr)) \
			igt_skip_check("!(" #expr ")", NULL); \
		else \
			igt_debug("Test requirement passed: !(%s)\n", #expr); \
	} while (0)

#define igt_skip_on_f(expr, f...) \
	do { \
		if ((expr)) \
			igt_skip_check("!(" #expr ")", f); \
		else \
			igt_debug("Test requirement passed: !(%s)\n", #expr); \
	} while (0)

#define igt_require_fd(fd) \
	igt_require_f(fd >= 0, "file descriptor " #fd " failed\n");

/*
 * Dynamic subtests: igt_subtest_with_dynamic() blocks contain igt_dynamic()
 * blocks, each reported as its own result.
 */
bool __igt_enter_dynamic_container(void);
bool __igt_run_dynamic_subtest(const char *dynamic_subtest_name);

#define igt_subtest_with_dynamic(name) \
	for (; __igt_run_subtest((name), __FILE__, __LINE__) && \
	       __igt_enter_dynamic_container() && \
	       (sigsetjmp(igt_subtest_jmpbuf, 1) == 0); \
	     igt_success())

#define __igt_subtest_with_dynamic_f(tmp, format...) \
	for (char tmp [256]; \
	     snprintf(tmp, sizeof(tmp), format), \
	     __igt_run_subtest(tmp, __FILE__, __LINE__) && \
	     __igt_enter_dynamic_container() && \
	     (sigsetjmp(igt_subtest_jmpbuf, 1) == 0); \
	     igt_success())

#define igt_subtest_with_dynamic_f(f...) \
	__igt_subtest_with_dynamic_f(igt_unique(__tmpchar), f)

#define igt_dynamic(name) \
	for (; __igt_run_dynamic_subtest((name)) && \
	       (sigsetjmp(igt_dynamic_jmpbuf, 1) == 0); \
	     igt_success())

#define __igt_dynamic_f(tmp, format...) \
	for (char tmp [256]; \
	     snprintf(tmp, sizeof(tmp), format), \
	     __igt_run_dynamic_subtest(tmp) && \
	     (sigsetjmp(igt_dynamic_jmpbuf, 1) == 0); \
	     igt_success())

#define igt_dynamic_f(f...) __igt_dynamic_f(igt_unique(__tmpchar), f)

/*
 * Fork support. igt_fork() runs its block in @num_children child processes
 * (the block must be inside a subtest); a failure in a child is reported by
 * igt_waitchildren(), which the parent calls to join them. A skip in a
 * child counts as a failure.
 */
bool __igt_fork(void);

#define igt_fork(child, num_children) \
	for (int child = 0; child < (num_children); child++) \
		for (; __igt_fork(); exit(0))

int __igt_waitchildren(void);
void igt_waitchildren(void);
void igt_waitchildren_timeout(int seconds, const char *reason);
void igt_kill_children(int signal);

/*
 * Helper processes: background processes whose failures are not forwarded;
 * igt_stop_helper() kills one (SIGTERM, or SIGKILL with @use_SIGKILL),
 * igt_wait_helper() joins it and returns its wait status.
 */
struct igt_helper_process {
	bool running;
	bool use_SIGKILL;
	pid_t pid;
	int id;
};

bool __igt_fork_helper(struct igt_helper_process *proc);

#define igt_fork_helper(proc) \
	for (; __igt_fork_helper(proc); exit(0))

int igt_wait_helper(struct igt_helper_process *proc);
void igt_stop_helper(struct igt_helper_process *proc);

/* Time. igt_nsec_elapsed() sets a zeroed @start on its first call. */
struct timespec;

void igt_set_timeout(unsigned int seconds, const char *op);
void igt_reset_timeout(void);
int igt_gettime(struct timespec *ts);
double igt_time_elapsed(struct timespec *then, struct timespec *now);
uint64_t igt_nsec_elapsed(struct timespec *start);

static inline uint32_t igt_seconds_elapsed(struct timespec *start)
{
	return igt_nsec_elapsed(start) >> 30;
}

#define READ_ONCE(x) (*(volatile typeof(x) *)(&(x)))
#define WRITE_ONCE(x, v) do *(volatile typeof(x) *)(&(x)) = (v); while (0)

/* Unsigned long (unsigned long long where long has 32 bits), as in 2.0. */
#if __SIZEOF_LONG__ == 8
#define MSEC_PER_SEC (1000ul)
#define USEC_PER_MSEC (1000ul)
#else
#define MSEC_PER_SEC (1000ull)
#define USEC_PER_MSEC (1000ull)
#endif
#define USEC_PER_SEC (1000u * MSEC_PER_SEC)
#define NSEC_PER_SEC (1000u * USEC_PER_SEC)
#define NSEC_PER_MSEC (1000u * USEC_PER_MSEC)

#endif /* IGT_CORE_H */
