/* cmocka glue: every test program runs one named case (argv[1]) so that
 * each case is its own ctest entry; with no argument it runs them all.
 * A name that matches no case fails, so a typo cannot pass silently. */
#ifndef TESTS_KTEST_H
#define TESTS_KTEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static inline int ktest_run(const char *group, const struct CMUnitTest *tests, size_t n, int argc, char **argv)
{
    if (argc > 1) {
        for (size_t i = 0; i < n; i++)
            if (strcmp(tests[i].name, argv[1]) == 0)
                return _cmocka_run_group_tests(group, &tests[i], 1, NULL, NULL);
        fprintf(stderr, "%s: no test case named '%s'\n", group, argv[1]);
        return 1;
    }
    return _cmocka_run_group_tests(group, tests, n, NULL, NULL);
}

#define KTEST_MAIN(tests)                                                                                    \
    int main(int argc, char **argv)                                                                          \
    {                                                                                                        \
        return ktest_run(__FILE__, tests, sizeof(tests) / sizeof(tests[0]), argc, argv);                     \
    }

#endif
