"""Capture files: pcap and pcapng reading and the link-type registry (generic, nothing Skype)."""
