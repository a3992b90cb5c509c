# Embeds the shipped care pathways (data/pathways/*.json), by file name, as a
# C++ table in OUT:
#   cmake -DDIR=data/pathways -DOUT=<generated .cc> -P embed_pathways.cmake
# Defines ozcc::api::ShippedPathwayFiles() (declared in api/pathway_seed.h):
# {file name, exact text} in file-name order. The server validates them and
# seeds the store with them at start.
file(GLOB files "${DIR}/*.json")
list(SORT files)
set(body "// Generated from data/pathways/*.json by cmake/embed_pathways.cmake; do not edit.\n#include \"api/pathway_seed.h\"\nnamespace ozcc::api {\nconst std::vector<ShippedFile>& ShippedPathwayFiles() {\n  static const std::vector<ShippedFile> kAll = {\n")
foreach(f ${files})
  get_filename_component(name "${f}" NAME)
  file(READ "${f}" text)
  string(FIND "${text}" ")__json__\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "embed_pathways.cmake: ${name} contains the raw-string delimiter")
  endif()
  string(APPEND body "    {\"${name}\", R\"__json__(${text})__json__\"},\n")
endforeach()
string(APPEND body "  };\n  return kAll;\n}\n}  // namespace ozcc::api\n")
file(WRITE "${OUT}.tmp" "${body}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
file(REMOVE "${OUT}.tmp")
