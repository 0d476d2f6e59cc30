# build.sims_own_codecs: the simulators speak with codecs of their own,
# written from the protocol documents, never the drivers' (a codec bug
# would be the same on both sides and the end-to-end tests could not see
# it). At configure time every target defined under sim/ is written to
# sims_links.txt with the whole of what it links and the sources it
# compiles, next to the libraries drivers/ defines; the script judges that
# file and the simulators' #include lines.
function(kiosk_link_closure target out)
  set(seen "")
  set(todo ${target})
  while(todo)
    list(POP_FRONT todo t)
    string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" t "${t}")
    if(NOT TARGET ${t} OR t IN_LIST seen)
      continue()
    endif()
    list(APPEND seen ${t})
    get_target_property(libs ${t} LINK_LIBRARIES)
    get_target_property(ilibs ${t} INTERFACE_LINK_LIBRARIES)
    foreach(l IN LISTS libs ilibs)
      if(l AND NOT l MATCHES "-NOTFOUND$")
        list(APPEND todo ${l})
      endif()
    endforeach()
  endwhile()
  list(REMOVE_ITEM seen ${target})
  set(${out} ${seen} PARENT_SCOPE)
endfunction()

set(lines "")
# The back office's libraries count as driver code too: the SMS channel's
# SMPP codec lives there, and smscsim must not share it.
get_property(driver_libs DIRECTORY ${CMAKE_SOURCE_DIR}/drivers PROPERTY BUILDSYSTEM_TARGETS)
get_property(bo_libs DIRECTORY ${CMAKE_SOURCE_DIR}/backoffice PROPERTY BUILDSYSTEM_TARGETS)
foreach(lib IN LISTS driver_libs bo_libs)
  string(APPEND lines "driver ${lib}\n")
endforeach()
get_property(sim_dirs DIRECTORY ${CMAKE_SOURCE_DIR}/sim PROPERTY SUBDIRECTORIES)
foreach(dir IN LISTS sim_dirs)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(t IN LISTS targets)
    kiosk_link_closure(${t} closure)
    foreach(l IN LISTS closure)
      string(APPEND lines "sim ${t} links ${l}\n")
    endforeach()
    get_target_property(srcs ${t} SOURCES)
    get_target_property(srcdir ${t} SOURCE_DIR)
    foreach(s IN LISTS srcs)
      cmake_path(ABSOLUTE_PATH s BASE_DIRECTORY ${srcdir} NORMALIZE OUTPUT_VARIABLE abs)
      string(APPEND lines "sim ${t} source ${abs}\n")
    endforeach()
  endforeach()
endforeach()
file(WRITE ${CMAKE_BINARY_DIR}/sims_links.txt "${lines}")

add_test(NAME build.sims_own_codecs COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/sim/sims_own_codecs.sh
         ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/sims_links.txt)
set_tests_properties(build.sims_own_codecs PROPERTIES TIMEOUT 30)
