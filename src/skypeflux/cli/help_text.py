"""Help text shared by the commands: examples where they belong, exit codes, environment.

The group's help carries the tour (one example per command); each command's help carries its
own examples and the exit codes and environment that apply to it, so ``skypeflux flows -h``
is not the same screen of decode examples again.
"""

_EXIT_CODES = """\b
Exit codes:
  0    decoded: at least one unit verified (or the reader of a pipe stopped early)
  1    the capture holds no Skype traffic
  2    usage error, or a bad SKYPEFLUX_BACKEND / SKYPEFLUX_OBJECTS_BACKEND
  3    capture missing or unreadable
  4    not a capture, unsupported link type, or truncated beyond use
  5    internal error (a bug: please report it)
  6    the output cannot be written (closed standard output, full disk)
  7    Skype traffic found, none of it verified (see the summary on stderr)
  130  interrupted
"""

_ENVIRONMENT = """\b
Environment:
  SKYPEFLUX_BACKEND          crypto back end: fast (C, the default when built) or pure
  SKYPEFLUX_OBJECTS_BACKEND  0x42 range coder: fast (C, the default when built) or pure
  SKYPEFLUX_DEBUG=1          print the traceback of an internal error
  NO_COLOR                   no colour with --color auto
"""

GROUP_EPILOG = f"""\b
Examples:
  skypeflux decode SkypeIRC.cap
  skypeflux decode SkypeIRC.cap -Y 'skypeflux.cmd == 36' -V
  skypeflux decode SkypeIRC.cap -T fields -e frame -e skypeflux.cmd -E header=y
  skypeflux decode SkypeIRC.cap --stats
  tcpdump -w - udp | skypeflux decode -
  skypeflux flows SkypeIRC.cap
  skypeflux synth nat-login -o login.pcapng
  skypeflux demo
  skypeflux names
  skypeflux help decode

{_EXIT_CODES}
{_ENVIRONMENT}"""

DECODE_EPILOG = f"""\b
Examples:
  skypeflux decode SkypeIRC.cap -V --cmd 36
  skypeflux decode SkypeIRC.cap -Y 'skypeflux.cmd.kind == reply && skypeflux.obj.id == 3'
  skypeflux decode SkypeIRC.cap -Y 'ip.addr == 68.0.0.0/8 && transport == tcp' -x
  skypeflux decode SkypeIRC.cap -T fields -e frame -e ip.src -e skypeflux.cmd -E separator=,
  skypeflux decode SkypeIRC.cap --json | jq 'select(."skypeflux.verified")'
  skypeflux decode home.pcap.gz --public-ip 192.168.1.2=86.128.245.115
  skypeflux decode --concatenate ring_00001.pcap ring_00002.pcap ring_00003.pcap
  tcpdump -w - udp | skypeflux decode

{_EXIT_CODES}
{_ENVIRONMENT}"""

COMMAND_EPILOG = f"""{_EXIT_CODES}
{_ENVIRONMENT}"""
