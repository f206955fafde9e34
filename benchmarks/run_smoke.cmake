# Runs each benchmark binary of BINARIES (a ;-list) with --benchmark_min_time=MIN_TIME,
# its results also written as JSON into OUT_DIR; fails if a binary fails, if it ran no
# benchmark, or if any benchmark reported an error. The last check is needed because a
# benchmark that calls state.SkipWithError() is only marked "error_occurred" in the
# results: Google Benchmark 1.7 (Debian 12) still exits 0. (1.8 calls the same thing
# "skipped" with an error; both spellings are read.) The caller sets VIGIL_BENCH_SMOKE=1.
# ctest's benchmarks_smoke_detects_errors runs this on a benchmark that always errors
# and expects the failure below.
cmake_minimum_required(VERSION 3.19)  # string(JSON)
file(MAKE_DIRECTORY "${OUT_DIR}")
set(failures "")
foreach(bin IN LISTS BINARIES)
  get_filename_component(name "${bin}" NAME)
  set(json "${OUT_DIR}/${name}.json")
  file(REMOVE "${json}")
  message(STATUS "${bin} --benchmark_min_time=${MIN_TIME}")
  execute_process(COMMAND ${bin} --benchmark_min_time=${MIN_TIME} --benchmark_out=${json}
                          --benchmark_out_format=json RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    list(APPEND failures "${name} exited with ${rc}")
    continue()
  endif()
  if(NOT EXISTS "${json}")
    list(APPEND failures "${name} wrote no results")
    continue()
  endif()
  file(READ "${json}" text)
  string(JSON count ERROR_VARIABLE err LENGTH "${text}" benchmarks)
  if(err OR count EQUAL 0)
    list(APPEND failures "${name} ran no benchmark")
    continue()
  endif()
  math(EXPR last "${count} - 1")
  foreach(i RANGE ${last})
    string(JSON run_name ERROR_VARIABLE err GET "${text}" benchmarks ${i} name)
    string(JSON errored ERROR_VARIABLE no_error GET "${text}" benchmarks ${i} error_occurred)
    if(NOT no_error AND errored)
      string(JSON why ERROR_VARIABLE err GET "${text}" benchmarks ${i} error_message)
      list(APPEND failures "${name}: ${run_name} failed: ${why}")
    endif()
  endforeach()
  message(STATUS "${name}: ${count} benchmark runs, results in ${json}")
endforeach()
if(failures)
  list(JOIN failures "\n  " text)
  message(FATAL_ERROR "benchmarks_smoke: benchmark errors:\n  ${text}")
endif()
