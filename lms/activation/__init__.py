"""Account activation by email and "Lupa kata sandi?": single-use links, stored only as hashes."""
