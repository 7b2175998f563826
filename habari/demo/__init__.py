"""The offline demo: a local news web of Tanzanian-style outlets, for `habari demo` and for tests.

`newsweb` serves sites over HTTP on loopback; `content` holds the bundled outlets and their stories.
"""
