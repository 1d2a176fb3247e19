// Built-in demonstrations for `warren demo`.
#ifndef WARREN_SIM_CLI_DEMO_H_
#define WARREN_SIM_CLI_DEMO_H_

namespace warren::cli {

// The seed article's TTL + dead-letter delay ladder (2 s, 4 s, 8 s, then a
// final dlq) with an always-failing worker; prints each attempt's x-death
// history, the timeline and the final queue table. Returns an exit code.
int RunLadderDemo();

}  // namespace warren::cli

#endif  // WARREN_SIM_CLI_DEMO_H_
