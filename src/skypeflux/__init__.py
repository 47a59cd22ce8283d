"""skypeflux: classic peer-to-peer Skype traffic, de-obfuscated, verified and decoded.

Layers, from the bottom (imports only point down): ``crypto`` -> ``wire`` -> ``objects`` ->
``messages`` -> ``capture`` -> ``outputs`` -> ``cli``. See README.md.
"""

__version__ = "0.1.0"
