# Embeds one file, byte for byte, as a C++ string constant.
#
# Script mode:
#   cmake -DIN=<file> -DOUT=<generated .cc> -DNAME=<ns::qualified::name> -P embed_file.cmake
# writes OUT defining
#   namespace ns::qualified { extern const std::string_view name; }
# whose value is the file's exact bytes (any content and size, binary too),
# followed by a NUL that is not part of the view. Declare it where it is used:
#   namespace ns::qualified { extern const std::string_view name; }
# OUT is only rewritten when its content changes.
#
# From a CMakeLists.txt, include() this file and call
#   ozcc_embed_file(<IN> <OUT> <NAME>)
# to add the custom command that (re)generates OUT when IN changes; add OUT
# to a target's sources.

if(CMAKE_SCRIPT_MODE_FILE)
  foreach(var IN ITEMS IN OUT NAME)
    if(NOT DEFINED ${var})
      message(FATAL_ERROR "embed_file.cmake: -D${var}=… is required")
    endif()
  endforeach()
  if(NOT NAME MATCHES "^([A-Za-z_][A-Za-z0-9_]*::)*[A-Za-z_][A-Za-z0-9_]*$")
    message(FATAL_ERROR "embed_file.cmake: NAME '${NAME}' is not a C++ (qualified) name")
  endif()
  string(REGEX MATCH "[A-Za-z_][A-Za-z0-9_]*$" var_name "${NAME}")
  string(REGEX REPLACE "::[A-Za-z_][A-Za-z0-9_]*$" "" namespace "${NAME}")
  if(namespace STREQUAL NAME)
    set(namespace "")
  endif()

  file(READ "${IN}" hex HEX)
  # A char array, not a string literal: compilers need not support literals
  # over 64 KiB (clang -Wpedantic warns). 16 bytes per line, each '\xNN'; a
  # final '\0' keeps the array non-empty and the data NUL-terminated.
  string(REPEAT "[0-9a-f]" 32 line_pattern)
  string(REGEX REPLACE "(${line_pattern})" "\\1\n   " hex "${hex}")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" " '\\\\x\\1'," hex "${hex}")

  get_filename_component(in_name "${IN}" NAME)
  set(body "// Generated from ${in_name} by cmake/embed_file.cmake; do not edit.\n#include <string_view>\n\n")
  if(namespace)
    string(APPEND body "namespace ${namespace} {\n\n")
  endif()
  string(APPEND body "namespace {\nconstexpr char ${var_name}_bytes[] = {\n   ${hex} '\\0'};\n}  // namespace\n\n")
  string(APPEND body "extern const std::string_view ${var_name};\n")
  string(APPEND body "constexpr std::string_view ${var_name}(${var_name}_bytes, sizeof(${var_name}_bytes) - 1);\n")
  if(namespace)
    string(APPEND body "\n}  // namespace ${namespace}\n")
  endif()
  file(WRITE "${OUT}.tmp" "${body}")
  execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
  file(REMOVE "${OUT}.tmp")
  return()
endif()

set(OZCC_EMBED_FILE_SCRIPT "${CMAKE_CURRENT_LIST_FILE}")

function(ozcc_embed_file in out name)
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DIN=${in} -DOUT=${out} -DNAME=${name} -P "${OZCC_EMBED_FILE_SCRIPT}"
    DEPENDS "${in}" "${OZCC_EMBED_FILE_SCRIPT}"
    COMMENT "Embedding ${in}"
    VERBATIM)
endfunction()
