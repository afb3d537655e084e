# Verifies the pinned tarballs in third_party/ against SHA256SUMS and unpacks them into the build
# tree (never the source tree), applying our patches once. Re-configuring is cheap: a stamp file
# holding the tarball's hash skips the unpack when nothing changed.

set(CONVSCOPE_THIRD_PARTY_DIR "${PROJECT_SOURCE_DIR}/third_party")
set(CONVSCOPE_DEPS_DIR "${PROJECT_BINARY_DIR}/_deps")

file(STRINGS "${CONVSCOPE_THIRD_PARTY_DIR}/SHA256SUMS" _convscope_sums)

# convscope_unpack(<tarball> <out-var> [PATCHES p1 p2 ...])
# Sets <out-var> to the directory holding the unpacked sources.
function(convscope_unpack tarball out_var)
  cmake_parse_arguments(ARG "" "" "PATCHES" ${ARGN})
  set(archive "${CONVSCOPE_THIRD_PARTY_DIR}/${tarball}")
  if(NOT EXISTS "${archive}")
    message(FATAL_ERROR "third_party/${tarball} is missing: restore it from the repository.")
  endif()

  set(expected "")
  foreach(line IN LISTS _convscope_sums)
    if(line MATCHES "^([0-9a-f]+)  (.+)$" AND CMAKE_MATCH_2 STREQUAL tarball)
      set(expected "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  if(expected STREQUAL "")
    message(FATAL_ERROR "third_party/SHA256SUMS has no entry for ${tarball}.")
  endif()
  file(SHA256 "${archive}" actual)
  if(NOT actual STREQUAL expected)
    message(FATAL_ERROR "Checksum mismatch for third_party/${tarball}: expected ${expected}, "
                        "got ${actual}. Restore the pinned file; do not edit SHA256SUMS.")
  endif()

  # The patches are part of the stamp so that editing one re-unpacks the pristine sources.
  set(stamp_content "${actual}")
  foreach(p IN LISTS ARG_PATCHES)
    file(SHA256 "${p}" patch_hash)
    string(APPEND stamp_content " ${patch_hash}")
  endforeach()

  # No '~' in the paths (Debian's version strings have one): CMake then quotes the depfile path
  # it gives Ninja, Ninja finds no depfile, and no object is rebuilt when a header changes.
  string(REGEX REPLACE "\\.orig\\.tar\\.xz$" "" name "${tarball}")
  string(REPLACE "~" "-" name "${name}")
  set(dest "${CONVSCOPE_DEPS_DIR}/${name}")
  set(stamp "${dest}.stamp")
  if(EXISTS "${stamp}")
    file(READ "${stamp}" old_stamp)
  else()
    set(old_stamp "")
  endif()

  if(NOT old_stamp STREQUAL stamp_content)
    message(STATUS "Unpacking third_party/${tarball}")
    file(REMOVE_RECURSE "${dest}")
    file(MAKE_DIRECTORY "${dest}")
    # TOUCH: a re-unpack (new tarball or patches) must rebuild every object, including those of
    # files a dropped patch had changed (the archive's own dates are older than the objects).
    file(ARCHIVE_EXTRACT INPUT "${archive}" DESTINATION "${dest}" TOUCH)
    file(GLOB top LIST_DIRECTORIES true "${dest}/*~*")
    foreach(dir IN LISTS top)
      get_filename_component(dir_name "${dir}" NAME)
      string(REPLACE "~" "-" dir_name "${dir_name}")
      file(RENAME "${dir}" "${dest}/${dir_name}")
    endforeach()
    foreach(p IN LISTS ARG_PATCHES)
      execute_process(COMMAND patch -p1 --forward --quiet -i "${p}" WORKING_DIRECTORY "${dest}"
                      RESULT_VARIABLE rc)
      # A rejected hunk means the pinned source and the patch disagree: stop here.
      if(NOT rc EQUAL 0)
        message(FATAL_ERROR "Patch ${p} does not apply to ${tarball}.")
      endif()
    endforeach()
    file(WRITE "${stamp}" "${stamp_content}")
  endif()

  # Some tarballs unpack into <name>-<version>/, others (XNNPACK) straight into the folder.
  file(GLOB children LIST_DIRECTORIES true "${dest}/*")
  list(LENGTH children n)
  if(n EQUAL 1 AND IS_DIRECTORY "${children}")
    set(${out_var} "${children}" PARENT_SCOPE)
  else()
    set(${out_var} "${dest}" PARENT_SCOPE)
  endif()
endfunction()
