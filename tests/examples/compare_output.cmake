# Runs PROGRAM with --paused-clock (so timed stories take no real time and print exact times) and the
# '|'-separated ARGS, and compares its standard output with EXPECTED. EMULATOR, when set, is the
# '|'-separated command that runs a cross-built PROGRAM here.
string(REPLACE "|" ";" emulator "${EMULATOR}")
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND ${emulator} ${PROGRAM} --paused-clock ${args} OUTPUT_VARIABLE out ERROR_VARIABLE err
                RESULT_VARIABLE rc)
file(READ ${EXPECTED} want)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${rc}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(NOT out STREQUAL want)
  message(FATAL_ERROR "${PROGRAM} printed:\n${out}\nexpected:\n${want}\nstderr:\n${err}")
endif()
