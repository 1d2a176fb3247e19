// WARREN_CHECK: a programmer-error assertion active in every build. Aborts
// with file, line and the failed condition.
#ifndef WARREN_SIM_CORE_CHECK_H_
#define WARREN_SIM_CORE_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define WARREN_CHECK(cond)                                                    \
  do {                                                                        \
    if (!(cond)) {                                                            \
      std::fprintf(stderr, "%s:%d: WARREN_CHECK failed: %s\n", __FILE__,      \
                   __LINE__, #cond);                                          \
      std::abort();                                                           \
    }                                                                         \
  } while (0)

#endif  // WARREN_SIM_CORE_CHECK_H_
