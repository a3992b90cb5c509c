# Embeds every NNNN_name.sql of DIR, in order, as a C++ table in OUT:
#   cmake -DBACKEND=sqlite|postgres -DDIR=src/store/migrations/<backend> -DOUT=<generated .cc> -P embed_migrations.cmake
# defines ozcc::<backend>::Migrations(), declared in store/<backend>/migrations.h.
if(NOT BACKEND)
  set(BACKEND sqlite)
endif()
file(GLOB files "${DIR}/*.sql")
list(SORT files)
set(body "// Generated from src/store/migrations/${BACKEND}/*.sql; do not edit.\n#include \"store/${BACKEND}/migrations.h\"\nnamespace ozcc::${BACKEND} {\nconst std::vector<Migration>& Migrations() {\n  static const std::vector<Migration> kAll = {\n")
foreach(f ${files})
  get_filename_component(name "${f}" NAME_WE)
  string(REGEX MATCH "^[0-9]+" version "${name}")
  math(EXPR version "${version}")  # "0008" must not become an octal literal
  file(READ "${f}" sql)
  string(APPEND body "    {${version}, \"${name}\", R\"__sql__(${sql})__sql__\"},\n")
endforeach()
string(APPEND body "  };\n  return kAll;\n}\n}  // namespace ozcc::${BACKEND}\n")
file(WRITE "${OUT}.tmp" "${body}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
