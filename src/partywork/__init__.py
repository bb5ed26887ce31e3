"""partywork (pw): a git-backed record book for grassroots Party branches.

pw is an application, not a library: no module here is a public Python API.
"""

__version__ = "0.3.0"
