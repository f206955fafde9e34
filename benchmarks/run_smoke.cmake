# Runs each benchmark binary of BINARIES (a ;-list) with --benchmark_min_time=MIN_TIME;
# fails if any of them fails. The caller sets VIGIL_BENCH_SMOKE=1 in the environment.
foreach(bin IN LISTS BINARIES)
  message(STATUS "${bin} --benchmark_min_time=${MIN_TIME}")
  execute_process(COMMAND ${bin} --benchmark_min_time=${MIN_TIME} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${bin} failed: ${rc}")
  endif()
endforeach()
