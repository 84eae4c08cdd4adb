# Parts and who may use whom: the architecture written down as a rule the build
# enforces. Generic (a family of parts: the relay's, netsim's), then the relay's table.
#
# layered_part(FAMILY NAME SOURCES ... [USES part...] [PUBLIC_LINKS lib...]
#              [PRIVATE_LINKS lib...])
#   builds the static library FAMILY_NAME, linking the parts it USES.
# check_layering(FAMILY)
#   after every part of FAMILY is declared: fails the configure step when a part links
#   a part that FAMILY_MAY_USE_<part> does not list, or one of FAMILY_SYSTEM_LIBRARIES
#   while not in FAMILY_MAY_USE_SYSTEM.
# netsim uses the generic half too (netsim/CMakeLists.txt has its own table); it lives
# here because the relay needed it first.

function(layered_part family name)
  cmake_parse_arguments(PARSE_ARGV 2 ARG "" "" "SOURCES;USES;PUBLIC_LINKS;PRIVATE_LINKS")
  add_library(${family}_${name} STATIC ${ARG_SOURCES})
  set(uses "")
  foreach(part IN LISTS ARG_USES)
    list(APPEND uses ${family}_${part})
  endforeach()
  target_link_libraries(${family}_${name} PUBLIC ${uses} ${ARG_PUBLIC_LINKS}
                                          PRIVATE ${ARG_PRIVATE_LINKS})
  if(COMMAND snowsignal_warnings)
    snowsignal_warnings(${family}_${name})
  endif()
  set_property(GLOBAL APPEND PROPERTY ${family}_PARTS ${name})
endfunction()

function(check_layering family)
  get_property(parts GLOBAL PROPERTY ${family}_PARTS)
  set(errors "")
  foreach(part IN LISTS parts)
    if(NOT DEFINED ${family}_MAY_USE_${part})
      list(APPEND errors "part ${part} is not in the ${family} layering table")
      continue()
    endif()
    get_target_property(direct ${family}_${part} LINK_LIBRARIES)
    get_target_property(iface ${family}_${part} INTERFACE_LINK_LIBRARIES)
    set(links "")
    foreach(link IN LISTS direct iface)
      # PRIVATE links of a static library appear as $<LINK_ONLY:x> in its interface.
      string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" link "${link}")
      list(APPEND links "${link}")
    endforeach()
    list(REMOVE_DUPLICATES links)
    foreach(link IN LISTS links)
      if(link MATCHES "^${family}_(.+)$")
        set(other ${CMAKE_MATCH_1})
        if(NOT other IN_LIST ${family}_MAY_USE_${part})
          list(JOIN ${family}_MAY_USE_${part} ", " allowed)
          list(APPEND errors "${part} may not use ${other} (it may use: ${allowed})")
        endif()
      elseif(link IN_LIST ${family}_SYSTEM_LIBRARIES AND NOT part IN_LIST ${family}_MAY_USE_SYSTEM)
        list(APPEND errors "${part} may not link ${link} (only ${${family}_MAY_USE_SYSTEM} touches the system)")
      endif()
    endforeach()
  endforeach()
  if(errors)
    list(JOIN errors "\n  " text)
    message(FATAL_ERROR "${family} layering broken:\n  ${text}")
  endif()
endfunction()

# add_layering_tests(PREFIX PROBE_DIR [EDGES from:to...] [DEFINES -Dx=y...])
#   unit tests that configure PROBE_DIR (a stand-in of a family's parts): as it is, it
#   must configure ("layering ok"); with each extra edge (-DEXTRA_FROM/-DEXTRA_TO) it
#   must fail naming it ("FROM may not use TO"). PREFIX_layering_* are their names.
function(add_layering_tests prefix probe)
  cmake_parse_arguments(PARSE_ARGV 2 ARG "" "" "EDGES;DEFINES")
  set(out ${CMAKE_CURRENT_BINARY_DIR}/layering)
  add_test(NAME ${prefix}_layering_admits_the_real_graph
    COMMAND ${CMAKE_COMMAND} -S ${probe} -B ${out}/ok ${ARG_DEFINES})
  set_tests_properties(${prefix}_layering_admits_the_real_graph PROPERTIES
    LABELS unit PASS_REGULAR_EXPRESSION "layering ok")
  foreach(edge IN LISTS ARG_EDGES)
    string(REPLACE ":" ";" pair ${edge})
    list(GET pair 0 from)
    list(GET pair 1 to)
    add_test(NAME ${prefix}_layering_refuses_${from}_using_${to}
      COMMAND ${CMAKE_COMMAND} -S ${probe} -B ${out}/${from}_${to} ${ARG_DEFINES}
              -DEXTRA_FROM=${from} -DEXTRA_TO=${to})
    set_tests_properties(${prefix}_layering_refuses_${from}_using_${to} PROPERTIES
      LABELS unit PASS_REGULAR_EXPRESSION "${from} may not use ${to}")
  endforeach()
endfunction()

# The relay's rule (relay/README.md "Layout" is its prose). A part may use the parts
# listed here, and nothing else of ours.
set(snowsignal_MAY_USE_net "")
set(snowsignal_MAY_USE_mesh net)
set(snowsignal_MAY_USE_observe net)
set(snowsignal_MAY_USE_health net observe)
set(snowsignal_MAY_USE_core net mesh health observe)
set(snowsignal_MAY_USE_config net mesh core)
set(snowsignal_MAY_USE_adapters net mesh core config health observe)
# Libraries that reach the network or the kernel's packet interfaces: adapters only.
# (Sockets themselves are libc; that core and mesh open none is kept by the include
# rule: their sources are compiled without the adapters' headers.)
set(snowsignal_SYSTEM_LIBRARIES PkgConfig::LIBTINS pcap PkgConfig::LIBMICROHTTPD)
set(snowsignal_MAY_USE_SYSTEM adapters)

# snowsignal_part(NAME SOURCES ... [USES part...] [PRIVATE_LINKS lib...])
#   src/NAME/ as snowsignal_NAME. Its folder is its PUBLIC include directory, so only
#   the parts that link it can #include its headers.
function(snowsignal_part name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "SOURCES;USES;PRIVATE_LINKS")
  layered_part(snowsignal ${name} SOURCES ${ARG_SOURCES} USES ${ARG_USES}
               PUBLIC_LINKS spdlog::spdlog Threads::Threads PRIVATE_LINKS ${ARG_PRIVATE_LINKS})
  target_include_directories(snowsignal_${name}
    PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/src/${name} ${CMAKE_CURRENT_SOURCE_DIR}/include)
endfunction()

function(snowsignal_check_layering)
  check_layering(snowsignal)
endfunction()
