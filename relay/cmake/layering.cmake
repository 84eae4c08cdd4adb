# The relay's parts and who may use whom: the one place the architecture is written
# down as a rule the build enforces (relay/README.md "Layout" is its prose).
#
# snowsignal_part(NAME SOURCES ... [USES part...] [PRIVATE_LINKS lib...])
#   builds src/NAME/ as the static library snowsignal_NAME. Its folder is its PUBLIC
#   include directory, so only the parts that link it can #include its headers.
# snowsignal_check_layering()
#   after every part is declared: fails the configure step when a part links another
#   part that the table below does not allow, or a system library only adapters may use.

# The rule. A part may use the parts listed here, and nothing else of ours.
set(SNOWSIGNAL_MAY_USE_net "")
set(SNOWSIGNAL_MAY_USE_mesh net)
set(SNOWSIGNAL_MAY_USE_observe net)
set(SNOWSIGNAL_MAY_USE_health net observe)
set(SNOWSIGNAL_MAY_USE_core net mesh health observe)
set(SNOWSIGNAL_MAY_USE_config net mesh core)
set(SNOWSIGNAL_MAY_USE_adapters net mesh core config health observe)
# Libraries that reach the network or the kernel's packet interfaces: adapters only.
# (Sockets themselves are libc; that core and mesh open none is kept by the include
# rule: their sources are compiled without the adapters' headers.)
set(SNOWSIGNAL_SYSTEM_LIBRARIES PkgConfig::LIBTINS pcap PkgConfig::LIBMICROHTTPD)
set(SNOWSIGNAL_MAY_USE_SYSTEM adapters)

set_property(GLOBAL PROPERTY SNOWSIGNAL_PARTS "")

function(snowsignal_part name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "SOURCES;USES;PRIVATE_LINKS")
  add_library(snowsignal_${name} STATIC ${ARG_SOURCES})
  target_include_directories(snowsignal_${name}
    PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/src/${name} ${CMAKE_CURRENT_SOURCE_DIR}/include)
  set(uses "")
  foreach(part IN LISTS ARG_USES)
    list(APPEND uses snowsignal_${part})
  endforeach()
  target_link_libraries(snowsignal_${name} PUBLIC ${uses} spdlog::spdlog Threads::Threads
                                           PRIVATE ${ARG_PRIVATE_LINKS})
  if(COMMAND snowsignal_warnings)
    snowsignal_warnings(snowsignal_${name})
  endif()
  set_property(GLOBAL APPEND PROPERTY SNOWSIGNAL_PARTS ${name})
endfunction()

function(snowsignal_check_layering)
  get_property(parts GLOBAL PROPERTY SNOWSIGNAL_PARTS)
  set(errors "")
  foreach(part IN LISTS parts)
    if(NOT DEFINED SNOWSIGNAL_MAY_USE_${part})
      list(APPEND errors "part ${part} is not in the layering table (relay/cmake/layering.cmake)")
      continue()
    endif()
    get_target_property(direct snowsignal_${part} LINK_LIBRARIES)
    get_target_property(iface snowsignal_${part} INTERFACE_LINK_LIBRARIES)
    set(links "")
    foreach(link IN LISTS direct iface)
      # PRIVATE links of a static library appear as $<LINK_ONLY:x> in its interface.
      string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" link "${link}")
      list(APPEND links "${link}")
    endforeach()
    list(REMOVE_DUPLICATES links)
    foreach(link IN LISTS links)
      if(link MATCHES "^snowsignal_(.+)$")
        set(other ${CMAKE_MATCH_1})
        if(NOT other IN_LIST SNOWSIGNAL_MAY_USE_${part})
          list(JOIN SNOWSIGNAL_MAY_USE_${part} ", " allowed)
          list(APPEND errors "${part} may not use ${other} (it may use: ${allowed})")
        endif()
      elseif(link IN_LIST SNOWSIGNAL_SYSTEM_LIBRARIES AND NOT part IN_LIST SNOWSIGNAL_MAY_USE_SYSTEM)
        list(APPEND errors "${part} may not link ${link} (only ${SNOWSIGNAL_MAY_USE_SYSTEM} touches the system)")
      endif()
    endforeach()
  endforeach()
  if(errors)
    list(JOIN errors "\n  " text)
    message(FATAL_ERROR "relay layering broken:\n  ${text}")
  endif()
endfunction()
