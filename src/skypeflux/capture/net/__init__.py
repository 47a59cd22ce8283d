"""Generic networking below Skype: link layers, IPv4 and its fragments, TCP reassembly."""
