"""The reference architecture: stacks built only from pki_constructs."""
