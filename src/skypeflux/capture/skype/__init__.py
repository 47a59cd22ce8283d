"""Skype session logic: UDP and TCP decoding, the public-address book, block descriptions."""
