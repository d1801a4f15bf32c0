"""Rectification (UU 27/2022 Pasal 6): a person asks for a correction, HR accepts or refuses."""
