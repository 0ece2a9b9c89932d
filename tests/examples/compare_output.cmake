# Runs PROGRAM (with PINFIBER_TEST_CLOCK=paused so timed stories take no real time) and compares
# its standard output with EXPECTED. EMULATOR, when set, is the '|'-separated command that runs a
# cross-built PROGRAM here.
set(ENV{PINFIBER_TEST_CLOCK} paused)
string(REPLACE "|" ";" emulator "${EMULATOR}")
execute_process(COMMAND ${emulator} ${PROGRAM} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
file(READ ${EXPECTED} want)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${rc}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(NOT out STREQUAL want)
  message(FATAL_ERROR "${PROGRAM} printed:\n${out}\nexpected:\n${want}\nstderr:\n${err}")
endif()
