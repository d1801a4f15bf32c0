"""The privacy notice (UU 27/2022): its text and version, and showing it until it is read."""
