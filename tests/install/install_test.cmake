# Installs the built tree into a scratch prefix, then configures, builds and
# runs tests/install/consumer against it. Invoked by ctest with
# -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=...
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "install failed: ${rc}")
endif()
# The installed CLI runs an installed example scenario, and the schemas are
# where the README says.
foreach(f share/warren/schema.json share/warren/result.schema.json
          share/warren/scenarios/ttl_dlx_ladder_reject_chain.json)
  if(NOT EXISTS ${WORK_DIR}/prefix/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
execute_process(COMMAND ${WORK_DIR}/prefix/bin/warren run --quiet
                        ${WORK_DIR}/prefix/share/warren/scenarios/ttl_dlx_ladder_reject_chain.json
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "the installed warren failed on an installed scenario: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/install/consumer
                        -B ${WORK_DIR}/build -G Ninja -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix
                        # The package must not need nlohmann_json (its headers do not use it).
                        -DCMAKE_DISABLE_FIND_PACKAGE_nlohmann_json=TRUE
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configuring the consumer project failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "building the consumer project failed: ${rc}")
endif()
execute_process(COMMAND ${WORK_DIR}/build/consumer RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "the consumer program failed: ${rc}")
endif()
