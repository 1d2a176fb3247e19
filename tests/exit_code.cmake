# Runs COMMAND with ARGS (a |-separated list) and fails unless its exit code is EXPECTED.
string(REPLACE "|" ";" ARGS "${ARGS}")
execute_process(COMMAND ${COMMAND} ${ARGS} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL EXPECTED)
  message(FATAL_ERROR "exit code ${rc}, expected ${EXPECTED}\nstdout:\n${out}\nstderr:\n${err}")
endif()
message(STATUS "${out}${err}")
