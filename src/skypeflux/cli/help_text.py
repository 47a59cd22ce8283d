"""Help text shared by the commands: examples, exit codes, environment."""

EPILOG = """\b
Examples:
  skypeflux decode SkypeIRC.cap
  skypeflux decode SkypeIRC.cap -V --cmd 36
  skypeflux decode SkypeIRC.cap --json | jq 'select(."skypeflux.verified")'
  skypeflux decode home.pcap --public-ip 192.168.1.2=86.128.245.115
  tcpdump -w - udp | skypeflux decode -
  skypeflux flows SkypeIRC.cap
  skypeflux synth nat-login -o login.pcapng
  skypeflux demo

\b
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

\b
Environment:
  SKYPEFLUX_BACKEND          crypto back end: fast (C, the default when built) or pure
  SKYPEFLUX_OBJECTS_BACKEND  0x42 range coder: fast (C, the default when built) or pure
  SKYPEFLUX_DEBUG=1          print the traceback of an internal error
"""
